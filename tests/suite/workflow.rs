//! The office's work: bulk runs, approval, the correspondence log, replies, campaigns.

mod approval;
mod bulk;
mod campaign_scale;
mod csv_rows;
mod embedding;
#[cfg(unix)]
mod file_modes;
mod incoming_mail;
mod office;
#[cfg(unix)]
mod records;
mod reply;
mod resend;
