//! Proc macros for [errguard](https://docs.rs/errguard). Use them through the `errguard`
//! crate, which re-exports them: the generated code names `::errguard::__private` paths only.

use proc_macro::TokenStream;

mod footprint;

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
/// Expands to the item unchanged.
#[proc_macro_attribute]
pub fn allow(_args: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Wraps an `async fn` in errguard's retrying runner. Not implemented yet.
#[proc_macro_attribute]
pub fn retryable_actor(_args: TokenStream, item: TokenStream) -> TokenStream {
    let mut out: proc_macro2::TokenStream = item.into();
    out.extend(quote::quote! {
        ::core::compile_error!("#[retryable_actor] is not implemented yet");
    });
    out.into()
}
