//! Runner benchmarks (filled in below).
fn main() {}
