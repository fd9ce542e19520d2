//! The project itself: module layering, the book.

mod architecture;
mod docs;
