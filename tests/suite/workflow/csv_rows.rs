//! Issue 28 (#19), item 1: no row of a recipients CSV is lost silently. A row that
//! cannot be read is reported with its line and text and reading resumes at the next
//! line; an unbalanced quote is reported as such; a run that skipped rows exits 2
//! unless `--allow-bad-rows`.

use crate::common::{run, scratch};
use replydraft::{Error, recipients};

/// `n` rows of people, with the rows at `broken` (1-based data rows) given a quote
/// that never closes, a missing field or bytes that are not UTF-8.
fn people(n: usize, broken: &[(usize, u8)]) -> Vec<u8> {
    let mut csv = b"name,email,ward\n".to_vec();
    for i in 1..=n {
        let row = match broken.iter().find(|(r, _)| *r == i).map(|(_, kind)| kind) {
            Some(0) => format!("\"Broken Quote {i},p{i}@example.org,Abbey\n").into_bytes(),
            Some(1) => format!("Person {i},p{i}@example.org\n").into_bytes(),
            Some(_) => [format!("Person {i},p{i}@example.org,").as_bytes(), b"\xff\xfe\n"].concat(),
            None => format!("Person {i},p{i}@example.org,Abbey\n").into_bytes(),
        };
        csv.extend(row);
    }
    csv
}

#[test]
fn an_unbalanced_quote_in_row_2_of_100_loses_one_row_and_says_so() {
    // Was: "1 letter written, 1 bad row skipped", exit 0; 98 people got nothing.
    let dir = scratch("csv-quote");
    let csv = dir.join("r.csv");
    std::fs::write(&csv, people(100, &[(2, 0)])).unwrap();
    let args = ["bulk", "--allow-stale", "--topic", "care-review", "--date", "2026-11-22", "--jsonl", "-"];
    let mut args = args.to_vec();
    args.extend(["--recipients", csv.to_str().unwrap()]);
    let (code, out, err) = run(&args);
    assert_eq!(out.lines().count(), 99, "{err}");
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("r.csv:3: row 2: an unbalanced quote"), "{err}");
    assert!(err.contains(r#"the line reads: "\"Broken Quote 2,p2@example.org,Abbey""#), "{err}");
    assert!(err.contains("99 letters written, 1 bad row skipped"), "{err}");
    args.push("--allow-bad-rows");
    let (code, out, err) = run(&args);
    assert_eq!((code, out.lines().count()), (0, 99), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_quote_that_closes_rows_later_is_unbalanced_but_a_quoted_address_is_not() {
    // The stray quote in row 1 closes in row 4's quoted name: rows 2-3 read as rows of their own.
    let csv = "name,email,ward\n\"Ann,a@example.org,Abbey\nBo,b@example.org,Brook\nCy,c@example.org,Carr\n\"Di, Lady\",d@example.org,Dale\n";
    let rows: Vec<_> = recipients(csv.as_bytes(), "r.csv").unwrap().collect();
    assert!(
        matches!(&rows[0], (1, 2, Err(Error::Csv { problem, .. })) if problem.contains("runs on to line 5")),
        "{:?}",
        rows[0]
    );
    let names: Vec<_> = rows.iter().filter_map(|(_, _, r)| r.as_ref().ok()?.name.clone()).collect();
    assert_eq!(names, ["Bo", "Cy", "Di, Lady"]);
    // A quoted address over two lines is one field, and the row after it is read.
    let csv = "name,address\nAnn,\"1 High St\nAbbey\"\nBo,2 Low Rd\n";
    let rows: Vec<_> = recipients(csv.as_bytes(), "r.csv").unwrap().map(|(_, line, r)| (line, r.unwrap())).collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0].1.address, ["1 High St", "Abbey"]);
    assert_eq!((rows[1].0, rows[1].1.name.as_deref()), (4, Some("Bo")));
}

/// A small deterministic generator (xorshift), so that the cases are the same on every run.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
    /// A CSV's size (1 to `rows`) and up to `most` distinct broken rows, each of a kind.
    fn case(&mut self, rows: u64, most: u64) -> (usize, Vec<(usize, u8)>) {
        let n = 1 + self.below(rows) as usize;
        let k = self.below(most.min(n as u64) + 1) as usize;
        let mut broken: Vec<(usize, u8)> = Vec::new();
        while broken.len() < k {
            let row = 1 + self.below(n as u64) as usize;
            if !broken.iter().any(|(r, _)| *r == row) {
                broken.push((row, self.below(3) as u8));
            }
        }
        (n, broken)
    }
}

#[test]
fn any_csv_with_k_broken_rows_gives_n_minus_k_recipients_each_error_on_its_line() {
    let mut rng = Rng(0x5eed_2026_1122);
    for _ in 0..300 {
        let (n, broken) = rng.case(40, 4);
        let k = broken.len();
        let csv = people(n, &broken);
        let rows: Vec<_> = recipients(&csv[..], "r.csv").unwrap().collect();
        let good = rows.iter().filter(|(_, _, r)| r.is_ok()).count();
        assert_eq!(good, n - k, "{broken:?} in {}", String::from_utf8_lossy(&csv));
        for (row, line, r) in &rows {
            assert_eq!(*line, *row as u64 + 1, "one row a line");
            if let Err(e) = r {
                assert!(broken.iter().any(|(b, _)| b == row), "row {row} is not broken: {e}");
                assert!(matches!(e, Error::Csv { line: l, text: Some(_), .. } if l == line), "{e:?}");
            }
        }
    }
}

#[test]
fn a_bulk_run_gives_n_minus_k_letters_or_a_non_zero_exit_never_fewer_silently() {
    let dir = scratch("csv-prop");
    let csv = dir.join("r.csv");
    let mut rng = Rng(0x0b0e_2026_1208);
    for _ in 0..12 {
        let (n, broken) = rng.case(12, 3);
        let k = broken.len();
        std::fs::write(&csv, people(n, &broken)).unwrap();
        let (code, out, err) = run(&[
            "bulk",
            "--allow-stale",
            "--topic",
            "care-review",
            "--date",
            "2026-11-22",
            "--jsonl",
            "-",
            "--recipients",
            csv.to_str().unwrap(),
        ]);
        let letters = out.lines().count();
        assert!(letters == n - k && (code == 0) == (k == 0), "{broken:?}: {letters} of {n}, exit {code}: {err}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
