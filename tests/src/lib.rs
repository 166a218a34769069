//! Shared helpers for errguard's cross-crate tests.
//!
//! The test binaries under `tests/tests/` each install their own global allocator where they
//! measure memory; this library holds what they share.

pub mod alloc;
