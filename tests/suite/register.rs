//! The register of MPs and ministers.

mod seats_and_posts;
mod speaker;
