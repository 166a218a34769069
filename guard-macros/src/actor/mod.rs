//! `#[retryable_actor]`: parse ([`attr`], [`ast`]) → validate ([`valid`]) → expand ([`expand`]).

mod ast;
mod attr;
mod expand;
mod valid;

/// Also used by `#[errguard::allow]` for its "did you mean".
pub(crate) use attr::edit_distance;

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::ItemFn;

/// The whole macro: always returns the item (expanded when possible) plus any errors.
pub fn retryable_actor(args: TokenStream, item: TokenStream) -> TokenStream {
    let item: ItemFn = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(error) => {
            let error = syn::Error::new(
                error.span(),
                format!("`#[retryable_actor]` goes on an `async fn` with a body: {error}"),
            );
            let error = error.to_compile_error();
            return quote! { #item #error };
        }
    };
    let attr::Parsed { mut args, errors } = attr::parse(args);
    let mut errors = attr::Errors(errors);
    let mut out = match valid::check_fn(item) {
        valid::Checked::Actor(actor, shape) => {
            if let Some(error) = shape {
                errors.push(error);
            }
            valid::check_args(&mut args, &mut errors);
            expand::expand(&actor, &args)
        }
        valid::Checked::Item(error, item) => {
            errors.push(error);
            item.to_token_stream()
        }
    };
    if let Some(errors) = errors.0 {
        out.extend(errors.to_compile_error());
    }
    out
}
