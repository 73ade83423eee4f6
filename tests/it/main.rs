//! The integration tests: one binary, fixture projects under
//! `tests/fixtures/`, real outputs read back through real tools.

mod bilingual;
mod build;
mod data;
mod docx_schema;
mod errors;
mod fuzz;
mod nesting;
mod pages;
mod parallel;
mod pull;
mod registrations;
mod rich;
mod robust;
mod schema;
mod sections;
mod series;
mod support;
