//! Proc macros for [errguard](https://docs.rs/errguard). Use them through the `errguard`
//! crate, which re-exports them: the generated code names `::errguard::__private` paths only.

use proc_macro::TokenStream;

mod actor;
mod allow;
mod footprint;
mod units;

/// Derives `errguard::Footprint` (heap bytes held), by way of `get_size2::GetSize`, so the type
/// works as a field of other measured types too.
///
/// Field attributes: `#[footprint(skip)]` counts a field as 0 heap bytes (for types that cannot
/// be measured, such as `std::io::Error`).
///
/// ```
/// use errguard::Footprint;
///
/// #[derive(Footprint)]
/// enum FetchError {
///     Status { code: u16, body: Vec<u8> },
///     Io(#[footprint(skip)] std::io::Error),
/// }
///
/// let err = FetchError::Status { code: 500, body: vec![1; 1000] };
/// assert_eq!(err.heap_footprint(), 1000);
/// ```
#[proc_macro_derive(Footprint, attributes(footprint))]
pub fn derive_footprint(input: TokenStream) -> TokenStream {
    let input = syn::parse_macro_input!(input as syn::DeriveInput);
    footprint::expand(&input)
        .unwrap_or_else(syn::Error::into_compile_error)
        .into()
}

/// Marks a suppression for `cargo errguard check`: `#[errguard::allow(rule, reason = "…")]`.
///
/// The compiler only checks it (known rule ids and a non-empty `reason` are required) and
/// leaves the item unchanged. Rule ids are kebab-case words (`heap-buffer`) or string
/// literals; several may be listed. The ids are those of `cargo errguard check`:
/// `heap-buffer`, `generic-payload`, `large-inline`, `unbounded-collection` (and
/// `unused-allow`); any other id is a compile error that names the nearest known one.
///
/// Where it goes:
///
/// - on an item (a struct, enum, union, type alias, function, ...): suppresses the rules for
///   that item;
/// - on a **variant or field**, nested inside a struct, enum or union that itself carries
///   `#[errguard::allow(...)]`: Rust accepts attribute macros on items only, so the outer
///   attribute validates the nested ones and removes them before the compiler (and any
///   derive) sees them. When only variants or fields need a suppression, write the outer one
///   bare: `#[errguard::allow]`. Put it above `#[derive(...)]`.
///
/// ```
/// #[errguard::allow]
/// #[derive(Debug)]
/// enum UploadError {
///     #[errguard::allow(heap-buffer, reason = "bodies are capped at 4 KiB by the proxy")]
///     Rejected { body: Vec<u8> },
///     Timeout,
/// }
///
/// #[errguard::allow(large-inline, reason = "built once at start-up, never retried")]
/// #[derive(Debug)]
/// struct ConfigError {
///     text: [u8; 512],
/// }
/// # let _ = (UploadError::Timeout, ConfigError { text: [0; 512] });
/// ```
///
/// A missing reason is a compile error:
///
/// ```compile_fail
/// #[errguard::allow(heap-buffer)]
/// struct E { body: Vec<u8> }
/// ```
///
/// So is a rule id the lint does not know (here: "did you mean `large-inline`?"):
///
/// ```compile_fail
/// #[errguard::allow(large-size, reason = "built once at start-up")]
/// struct E { text: [u8; 512] }
/// ```
#[proc_macro_attribute]
pub fn allow(args: TokenStream, item: TokenStream) -> TokenStream {
    allow::expand(args.into(), item.into()).into()
}

#[doc = include_str!("actor/README.md")]
#[proc_macro_attribute]
pub fn retryable_actor(args: TokenStream, item: TokenStream) -> TokenStream {
    actor::retryable_actor(args.into(), item.into()).into()
}

/// The rule ids `#[errguard::allow]` accepts, as an array expression of string literals, for
/// `errguard::__private::ALLOW_RULE_IDS`. Not public API: no semver promise.
#[doc(hidden)]
#[proc_macro]
pub fn __allow_rule_ids(input: TokenStream) -> TokenStream {
    allow::rule_ids(input.into()).into()
}
