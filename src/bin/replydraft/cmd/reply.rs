//! `reply`: an incoming letter or email answered in one step: who wrote it, the topic,
//! the reply drafted, written and checked.

use crate::Failure;
use crate::args::ReplyArgs;
use crate::input::read_bytes;
use crate::options::{date_or_today, delivery};
use replydraft::{Desk, Incoming, TopicChoice};
use std::io::Write;
use std::process::ExitCode;

pub fn run(a: ReplyArgs) -> Result<ExitCode, Failure> {
    let desk = Desk::new(a.library.load()?);
    let (name, bytes) = read_bytes(&a.incoming)?;
    let incoming = Incoming::read(&name, &bytes)?;
    let topic = match a.topic {
        Some(t) => t,
        None => match desk.reply_topic(&incoming) {
            TopicChoice::Chosen(t) => t,
            TopicChoice::Unclear(top) => {
                let mut err = std::io::stderr().lock();
                let _ = writeln!(err, "replydraft: {name}: no topic clearly leads; choose one with --topic:");
                for s in &top {
                    let _ = writeln!(err, "  {}\t{:.3}\t{}", s.topic, s.score, s.title);
                }
                return Ok(ExitCode::from(2));
            }
            _ => {
                return Err(Failure::Usage(format!(
                    "{name}: no topic of the library fits this message; choose one with --topic (see `replydraft topics`)"
                )));
            }
        },
    };
    let mut request = desk.reply_request(&incoming, &topic, date_or_today(&a.date)?)?;
    request.sender = a.sender;
    request.format = replydraft::LetterFormat::from(a.format).format();
    for note in &incoming.notes {
        eprintln!("replydraft: {name}: {note}");
    }
    let r = &request.recipient;
    eprintln!(
        "replydraft: replying to {}{}{} on {topic}",
        r.name.as_deref().unwrap_or("an unnamed writer"),
        r.email.as_deref().map(|e| format!(" <{e}>")).unwrap_or_default(),
        if r.address.is_empty() { String::new() } else { format!(", {}", r.address.join(", ")) }
    );
    let delivery = delivery(a.format, &a.from, &a.output, &a.log)?;
    super::draft::send(&desk, &request, &delivery, a.deny_stale)
}
