//! The office's work: bulk runs, approval, the correspondence log, replies, campaigns.

mod bulk;
mod campaign_scale;
mod office;
mod reply;
#[cfg(unix)]
mod records;
