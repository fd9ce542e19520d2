//! Topic suggestion on messages written the way constituents write
//! (`tests/suggest/messages.toml`): the right topic first for at least 90% of the
//! topical messages, and no topic at all for any off-topic one.

use replydraft::{Desk, Library};

#[derive(serde::Deserialize)]
struct Set {
    message: Vec<Message>,
}

#[derive(serde::Deserialize)]
struct Message {
    topic: String,
    text: String,
}

/// (topical, right first, off-topic, off-topic with no suggestion, what went wrong).
fn score(path: &str) -> (usize, usize, usize, usize, Vec<String>) {
    let set: Set = toml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let desk = Desk::new(Library::embedded().unwrap());
    let (mut topical, mut right, mut off, mut quiet) = (0, 0, 0, 0);
    let mut wrong = Vec::new();
    for m in &set.message {
        let got = desk.suggest(&m.text);
        let first = got.first().map(|s| s.topic.as_str());
        if m.topic == "none" {
            off += 1;
            quiet += usize::from(first.is_none());
            if let Some(f) = first {
                wrong.push(format!("off-topic got {f} ({:.2}): {}", got[0].score, m.text));
            }
        } else {
            topical += 1;
            if first == Some(m.topic.as_str()) {
                right += 1;
            } else {
                wrong.push(format!("want {} got {first:?} {got:?}: {}", m.topic, m.text));
            }
        }
    }
    (topical, right, off, quiet, wrong)
}

#[test]
fn suggest_is_right_on_messages_as_constituents_write_them() {
    let (topical, right, off, quiet, wrong) = score("tests/suggest/messages.toml");
    eprintln!("messages: top-1 {right}/{topical}, off-topic quiet {quiet}/{off}");
    assert!(topical >= 24 && off >= 8, "a meaningful set: {topical} topical, {off} off-topic");
    let accuracy = right as f64 / topical as f64;
    assert!(
        accuracy >= 0.9 && quiet == off,
        "top-1 {right}/{topical}, off-topic quiet {quiet}/{off}:\n{}",
        wrong.join("\n")
    );
}

/// Messages written after the subjects and keywords were fixed (`held_out.toml`): the
/// bar is lower (phrasing the data was not written for is missed, "no topic"), but a
/// message is never given a wrong topic and an off-topic one never gets one.
#[test]
fn suggest_is_never_wrong_on_held_out_messages() {
    let (topical, right, off, quiet, wrong) = score("tests/suggest/held_out.toml");
    eprintln!("held out: top-1 {right}/{topical}, off-topic quiet {quiet}/{off}");
    let missed = wrong.iter().filter(|w| w.contains(" got None ")).count();
    assert_eq!(right + missed, topical, "a wrong topic:\n{}", wrong.join("\n"));
    assert!(
        right * 2 >= topical && quiet == off,
        "top-1 {right}/{topical}, off-topic quiet {quiet}/{off}:\n{}",
        wrong.join("\n")
    );
}
