//! One module per subcommand: each turns its flags into library calls (through
//! `options.rs`) and prints what comes back.

pub mod approve;
pub mod bulk;
pub mod campaigns;
pub mod check;
pub mod completions;
pub mod draft;
pub mod facts;
pub mod fix;
pub mod ingest;
pub mod init;
pub mod list;
pub mod log;
pub mod reply;
pub mod suggest;
pub mod times;
pub mod validate;
