//! Issue 28 (#19), item 5 (in part): the log knows a recipient through case, spaces
//! and invisible characters.

use crate::common::d;
use replydraft::{CorrespondenceLog, LogQuery, Recipient, Sent, recipient_key};

#[test]
fn the_log_sees_the_same_person_through_case_spaces_and_invisible_characters() {
    let dir = tempfile::tempdir().unwrap();
    let mut log = CorrespondenceLog::open(&dir.path().join("office.db")).unwrap();
    let mut ann = Recipient::default();
    ann.name = Some("Ann O\u{2019}Brien".into());
    let sent = Sent::new(recipient_key(&ann), "care-funding", Default::default(), d("2026-11-02"));
    log.record(&[sent]).unwrap();
    // The same person typed again: upper case, a zero-width space, a straight quote, two spaces.
    let mut again = Recipient::default();
    again.name = Some("ANN\u{200B}  O'BRIEN".into());
    let sent = log.sent_on("care-funding", Some(d("2026-11-01"))).unwrap();
    assert_eq!(sent.get(&recipient_key(&again).unwrap()), Some(&d("2026-11-02")), "{sent:?}");
    let mut query = LogQuery::default();
    query.recipient = Some("ann\u{200D} o\u{2019}brien".into());
    assert_eq!(log.query(&query).unwrap().len(), 1);
}

#[test]
fn with_a_log_bulk_will_not_write_to_the_same_person_on_the_topic_within_30_days_without_resend() {
    // Was: opt-in (--skip-sent); a second run with the log wrote and logged every letter twice.
    let dir = tempfile::tempdir().unwrap();
    let (csv, db) = (dir.path().join("r.csv"), dir.path().join("office.db"));
    std::fs::write(&csv, "name,email\nAnn Lee,ann@example.org\nBo Li,bo@example.org\n").unwrap();
    let bulk = |date: &str, out: &str, extra: &[&str]| {
        let out = dir.path().join(out);
        let mut args = vec!["bulk", "--allow-stale", "--topic", "care-funding", "--date", date, "--recipients"];
        args.extend([csv.to_str().unwrap(), "--out", out.to_str().unwrap(), "--log", db.to_str().unwrap()]);
        args.extend(extra);
        let (code, _, err) = crate::common::run(&args);
        let written = std::fs::read_dir(&out).map_or(0, |d| d.count());
        (code, written, err)
    };
    let (code, written, err) = bulk("2026-11-02", "first", &[]);
    assert_eq!((code, written), (0, 2), "{err}");
    // 18 days later: warned and skipped, nothing logged twice.
    let (code, written, err) = bulk("2026-11-20", "again", &[]);
    assert_eq!((code, written), (0, 0), "{err}");
    assert!(err.contains("Ann Lee was sent a letter on care-funding on 2026-11-02"), "{err}");
    assert!(err.contains("pass --resend"), "{err}");
    assert_eq!(CorrespondenceLog::open(&db).unwrap().len().unwrap(), 2);
    // --resend writes them; a shorter --within lets them through too; after 30 days, so does the default.
    assert_eq!(bulk("2026-11-20", "resend", &["--resend"]).1, 2);
    assert_eq!(bulk("2026-11-20", "within", &["--within", "7"]).1, 0, "the resent letters are dated 2026-11-20");
    assert_eq!(bulk("2026-12-25", "later", &[]).1, 2);
    assert_eq!(CorrespondenceLog::open(&db).unwrap().len().unwrap(), 6);
}
