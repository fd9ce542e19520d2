use replydraft::{CheckOptions, Desk, Library, parse_date};
fn main() {
    let letter = include_str!("../seeds/003_7118ba4b469bb5ac.txt");
    let mut options = CheckOptions::new(parse_date("2026-11-22").unwrap());
    options.written = Some(parse_date("2023-02-17").unwrap());
    let with: Vec<(String, String)> = Library::embedded_sources();
    let without: Vec<(String, String)> = with.iter().filter(|(n, _)| !n.starts_with("policy/")).cloned().collect();
    for (name, files) in [("with policy", with), ("without policy", without)] {
        let t = std::time::Instant::now();
        let desk = Desk::new(Library::from_files(files).unwrap());
        let load = t.elapsed();
        desk.check("", letter, &options);
        let t = std::time::Instant::now();
        for _ in 0..300 {
            std::hint::black_box(desk.check("", letter, &options));
        }
        println!("{name}: load {:?}, check {:?}", load, t.elapsed() / 300);
    }
}
