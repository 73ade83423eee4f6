//! The integration tests: one binary, fixture projects under
//! `tests/fixtures/`, real outputs read back through real tools.

mod build;
mod errors;
mod support;
