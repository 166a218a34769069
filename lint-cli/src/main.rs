//! `cargo errguard`: not implemented yet.

fn main() {
    eprintln!("cargo-errguard: not implemented yet");
    std::process::exit(2);
}
