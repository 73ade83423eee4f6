//! The integration tests: one binary, fixture projects under
//! `tests/fixtures/`, real outputs read back through real tools.

mod build;
mod data;
mod errors;
mod fuzz;
mod nesting;
mod rich;
mod robust;
mod support;
