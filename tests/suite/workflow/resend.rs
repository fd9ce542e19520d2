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
