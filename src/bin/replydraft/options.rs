//! Flags turned into the library's options and values, in one place: dates, the
//! library, draft requests, a letter's delivery, a bulk run's options, and the checks
//! of flags that only make sense together.

use crate::Failure;
use crate::args::{BulkArgs, DraftArgs, LetterArgs, LetterFormat, LibraryArg, OutputArgs};
use replydraft::{BulkOptions, BulkOutput, CheckOptions, Date, Delivery, DraftRequest, Library, parse_date, today};
use std::path::PathBuf;

impl From<LetterFormat> for replydraft::LetterFormat {
    fn from(f: LetterFormat) -> replydraft::LetterFormat {
        match f {
            LetterFormat::Text => replydraft::LetterFormat::Text,
            LetterFormat::Markdown => replydraft::LetterFormat::Markdown,
            LetterFormat::Html => replydraft::LetterFormat::Html,
            LetterFormat::Json => replydraft::LetterFormat::Json,
            LetterFormat::Docx => replydraft::LetterFormat::Docx,
            LetterFormat::Eml => replydraft::LetterFormat::Eml,
        }
    }
}

impl LibraryArg {
    /// The library the flags name (default: the embedded one).
    pub fn load(&self) -> Result<Library, Failure> {
        if self.library.is_empty() && self.facts.is_empty() {
            return Ok(Library::embedded()?);
        }
        let default = [PathBuf::from("default")];
        let libraries = if self.library.is_empty() { &default[..] } else { &self.library[..] };
        let library = Library::combine_with_facts(
            libraries.iter().map(PathBuf::as_path),
            self.facts.iter().map(PathBuf::as_path),
        )?;
        // The process ends after one command: a large library is not worth freeing
        // block by block on the way out (milliseconds at 10k blocks).
        std::mem::forget(library.clone());
        Ok(library)
    }
}

/// `--date` (or another date flag), or today.
pub fn date_or_today(date: &Option<String>) -> Result<Date, Failure> {
    Ok(date.as_deref().map_or_else(|| Ok(today()), parse_date)?)
}

/// An optional date flag.
pub fn date(date: &Option<String>) -> Result<Option<Date>, Failure> {
    Ok(date.as_deref().map(parse_date).transpose()?)
}

/// `--signer` or `--sender` on the check `options`.
pub fn signer(
    library: &Library,
    mut options: CheckOptions,
    signer: &Option<String>,
    sender: &Option<String>,
) -> Result<CheckOptions, Failure> {
    match (signer, sender) {
        (_, Some(id)) => match library.sender(id) {
            Some(s) => Ok(options.signed_by(s)),
            None => Err(Failure::Usage(format!("--sender {id}: no such sender in the library"))),
        },
        (name, None) => {
            options.signer.clone_from(name);
            Ok(options)
        }
    }
}

/// `--threshold`: a similarity from 0 to 1.
pub fn threshold(t: f32) -> Result<f32, Failure> {
    if (0.0..=1.0).contains(&t) {
        Ok(t)
    } else {
        Err(Failure::Usage(format!("--threshold {t}: give a similarity from 0 to 1")))
    }
}

impl LetterArgs {
    /// The request these options describe (recipient not set).
    pub fn request(&self) -> Result<DraftRequest, Failure> {
        let mut request = DraftRequest::new(self.topic.clone(), date_or_today(&self.date)?);
        request.sender = self.sender.clone();
        request.subject = self.subject.clone();
        request.include = self.include.clone();
        request.exclude = self.exclude.clone();
        request.layout = self.layout.clone();
        request.format = replydraft::LetterFormat::from(self.format).format();
        Ok(request)
    }
}

impl DraftArgs {
    /// The request with its recipient (`--to`, `--address`, `--field` ...).
    pub fn request(&self) -> Result<DraftRequest, Failure> {
        let mut request = self.letter.request()?;
        request.recipient.name = self.to.clone();
        request.recipient.salutation = self.salutation.clone();
        request.recipient.address = self.address.clone();
        request.recipient.email = self.email.clone();
        for f in &self.fields {
            let (k, v) = f.split_once('=').ok_or_else(|| Failure::Usage(format!("--field `{f}`: write NAME=VALUE")))?;
            request.recipient.fields.insert(k.trim().to_string(), v.to_string());
        }
        Ok(request)
    }
}

/// Where one letter goes (`draft`, `reply`): a Word document only to a file, unless
/// standard output is not a terminal.
pub fn delivery(
    format: LetterFormat,
    from: &Option<String>,
    output: &OutputArgs,
    log: &Option<PathBuf>,
) -> Result<Delivery, Failure> {
    if format == LetterFormat::Docx && output.out.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        return Err(Failure::Usage("a Word document is not for the terminal: give --out FILE.docx".into()));
    }
    let mut delivery = Delivery::new(format.into());
    delivery.from = from.clone();
    delivery.out = output.out.clone();
    delivery.review = output.review.clone();
    delivery.replace = output.force;
    delivery.log = log.clone();
    Ok(delivery)
}

/// How many days back the resend guard looks by default (`--within`).
pub const RESEND_WITHIN_DAYS: i64 = 30;

impl BulkArgs {
    /// The run's options; `request` gives the date `--within` counts back from.
    pub fn options(&self, request: &DraftRequest) -> Result<BulkOptions, Failure> {
        let format = self.letter.format;
        if format == LetterFormat::Json {
            return Err(Failure::Usage(
                "bulk writes text, markdown, html, docx or eml letters; use --jsonl for JSON lines".into(),
            ));
        }
        let letter_format = replydraft::LetterFormat::from(format);
        if letter_format.is_document() && self.jsonl.is_some() {
            let ext = letter_format.extension();
            return Err(Failure::Usage(format!("--format {ext}: give --out DIR (one file per letter)")));
        }
        if self.skip_sent && self.letter.log.is_none() {
            return Err(Failure::Usage("--skip-sent needs the log: give --log [FILE]".into()));
        }
        let mut options = BulkOptions::default();
        options.format = letter_format;
        options.from = self.letter.from.clone();
        options.replace = self.force;
        options.strict = self.strict;
        options.resume = self.resume;
        options.allow_unapproved = self.allow_unapproved;
        options.allow_stale = self.allow_stale;
        options.log = self.letter.log.clone();
        // The resend guard: on with a log, unless --resend; --skip-sent alone counts any time.
        options.skip_sent = self.skip_sent || (self.letter.log.is_some() && !self.resend);
        let within = if self.skip_sent { self.within } else { Some(self.within.unwrap_or(RESEND_WITHIN_DAYS)) };
        options.sent_since = within.map(|days| request.date.saturating_sub(jiff::Span::new().days(days)));
        Ok(options)
    }

    /// Where the letters go: `--jsonl -` is standard output.
    pub fn output(&self) -> Result<BulkOutput<'static>, Failure> {
        Ok(match (&self.jsonl, &self.out) {
            (Some(path), _) if path.as_os_str() == "-" => BulkOutput::Stream(Box::new(std::io::stdout().lock())),
            (Some(path), _) => BulkOutput::JsonLines(path.clone()),
            (None, Some(dir)) => BulkOutput::Dir(dir.clone()),
            (None, None) => return Err(Failure::Usage("give --out DIR or --jsonl FILE".into())),
        })
    }
}
