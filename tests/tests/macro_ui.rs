//! trybuild suite for `#[retryable_actor]` and `#[errguard::allow]`: every accepted shape
//! compiles and runs (`ui/pass`), every compile error message is pinned (`ui/fail/*.stderr`).

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.pass("ui/pass/*.rs");
    cases.compile_fail("ui/fail/*.rs");
}
