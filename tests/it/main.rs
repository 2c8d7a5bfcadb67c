//! belong's integration tests: one binary (`cargo test --test it`), one module per
//! concern. Fixture sites live in `tests/fixtures/`; each test builds a copy in a
//! temporary folder and asserts on the parsed HTML a reader would see.

mod authors;
mod bad_input;
mod cms;
mod common;
mod corpus;
mod determinism;
mod evidence;
mod features;
mod hub;
mod layers;
mod links;
mod pages;
mod pictures;
mod preview;
mod publish;
mod report;
mod safety;
mod scaffold;
mod search;
mod serve;
mod slips;
mod tidy;
