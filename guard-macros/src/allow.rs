//! `#[errguard::allow(rule, reason = "…")]`: a suppression marker for `cargo errguard check`.
//!
//! The lint reads it from the source; the compiler only checks it. Rust accepts attribute
//! macros on items only, so the attribute goes on the type; suppressions for single variants
//! and fields are written as nested `#[errguard::allow(...)]` inside a type that carries the
//! outer attribute, which validates them and removes them from the compiled item.

use proc_macro2::{Span, TokenStream};
use quote::ToTokens;
use syn::ext::IdentExt;
use syn::parse::{Parse, ParseStream};
use syn::{Attribute, Fields, Ident, Item, LitStr, Meta, Token};

/// The parsed arguments: the rule ids and the reason.
pub struct AllowArgs {
    pub rules: Vec<String>,
    pub reason: Option<LitStr>,
}

/// A rule id: a kebab-case word sequence (`payload-in-error`) or a string literal.
fn parse_rule(input: ParseStream) -> syn::Result<String> {
    if input.peek(LitStr) {
        return Ok(input.parse::<LitStr>()?.value());
    }
    let mut rule = input.call(Ident::parse_any)?.to_string();
    while input.peek(Token![-]) {
        input.parse::<Token![-]>()?;
        rule.push('-');
        rule.push_str(&input.call(Ident::parse_any)?.to_string());
    }
    Ok(rule)
}

impl Parse for AllowArgs {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let mut rules = Vec::new();
        let mut reason = None;
        while !input.is_empty() {
            if input.peek(Ident) && input.peek2(Token![=]) {
                let key: Ident = input.parse()?;
                input.parse::<Token![=]>()?;
                if key != "reason" {
                    return Err(syn::Error::new_spanned(
                        &key,
                        format!(
                            "unknown key `{key}`: `#[errguard::allow]` takes rule ids and `reason = \"…\"`"
                        ),
                    ));
                }
                if reason.is_some() {
                    return Err(syn::Error::new_spanned(&key, "duplicate `reason`"));
                }
                let text: LitStr = input.parse().map_err(|e| {
                    syn::Error::new(
                        e.span(),
                        "`reason` expects a string literal explaining the suppression",
                    )
                })?;
                if text.value().trim().is_empty() {
                    return Err(syn::Error::new_spanned(
                        &text,
                        "`reason` must not be empty: say why the payload is acceptable here",
                    ));
                }
                reason = Some(text);
            } else {
                rules.push(parse_rule(input)?);
            }
            if input.is_empty() {
                break;
            }
            input.parse::<Token![,]>()?;
        }
        Ok(AllowArgs { rules, reason })
    }
}

fn check(args: &AllowArgs, span: &dyn ToTokens) -> syn::Result<()> {
    if args.rules.is_empty() {
        return Err(syn::Error::new_spanned(
            span,
            "`#[errguard::allow]` needs a rule id, e.g. `#[errguard::allow(payload-in-error, reason = \"…\")]`",
        ));
    }
    if args.reason.is_none() {
        return Err(syn::Error::new_spanned(
            span,
            "`#[errguard::allow]` needs a `reason = \"…\"`: every suppression says why",
        ));
    }
    Ok(())
}

/// The outer attribute itself (an attribute macro sees only its arguments).
struct CallSite;

impl ToTokens for CallSite {
    fn to_tokens(&self, tokens: &mut TokenStream) {
        tokens.extend(quote::quote_spanned!(Span::call_site()=> allow));
    }
}

fn is_nested_allow(attr: &Attribute) -> bool {
    let segments: Vec<String> = attr
        .path()
        .segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect();
    segments == ["errguard", "allow"]
}

/// Validates and removes nested `#[errguard::allow(...)]` from `attrs`; returns how many.
fn strip(attrs: &mut Vec<Attribute>, errors: &mut Option<syn::Error>) -> usize {
    let mut found = 0;
    attrs.retain(|attr| {
        if !is_nested_allow(attr) {
            return true;
        }
        found += 1;
        let result = match &attr.meta {
            Meta::List(list) => {
                syn::parse2::<AllowArgs>(list.tokens.clone()).and_then(|args| check(&args, attr))
            }
            _ => check(
                &AllowArgs {
                    rules: Vec::new(),
                    reason: None,
                },
                attr,
            ),
        };
        if let Err(error) = result {
            match errors {
                Some(all) => all.combine(error),
                None => *errors = Some(error),
            }
        }
        false
    });
    found
}

fn strip_fields(fields: &mut Fields, errors: &mut Option<syn::Error>) -> usize {
    fields
        .iter_mut()
        .map(|field| strip(&mut field.attrs, errors))
        .sum()
}

pub fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut errors: Option<syn::Error> = None;
    let push = |errors: &mut Option<syn::Error>, error: syn::Error| match errors {
        Some(all) => all.combine(error),
        None => *errors = Some(error),
    };
    let mut item: Item = match syn::parse2(item.clone()) {
        Ok(item) => item,
        Err(error) => {
            let mut out = item;
            out.extend(error.to_compile_error());
            return out;
        }
    };
    let nested = match &mut item {
        Item::Struct(s) => strip_fields(&mut s.fields, &mut errors),
        Item::Enum(e) => e
            .variants
            .iter_mut()
            .map(|v| strip(&mut v.attrs, &mut errors) + strip_fields(&mut v.fields, &mut errors))
            .sum(),
        Item::Union(u) => u
            .fields
            .named
            .iter_mut()
            .map(|f| strip(&mut f.attrs, &mut errors))
            .sum(),
        _ => 0,
    };
    let outer_bare = args.is_empty();
    if !(outer_bare && nested > 0) {
        match syn::parse2::<AllowArgs>(args) {
            Ok(parsed) => {
                if let Err(error) = check(&parsed, &CallSite) {
                    push(&mut errors, error);
                }
            }
            Err(error) => push(&mut errors, error),
        }
    }
    let mut out = item.to_token_stream();
    if let Some(errors) = errors {
        out.extend(errors.to_compile_error());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn parses_rules_and_reason() {
        let args: AllowArgs = syn::parse2(
            quote!(payload-in-error, "generic-payload", reason = "bounded by the caller"),
        )
        .unwrap();
        assert_eq!(args.rules, ["payload-in-error", "generic-payload"]);
        assert_eq!(args.reason.unwrap().value(), "bounded by the caller");
    }

    #[test]
    fn reason_is_required_and_nested_are_stripped() {
        let out = expand(
            TokenStream::new(),
            quote! {
                enum E {
                    #[errguard::allow(large-error, reason = "rare")]
                    A(Vec<u8>),
                    B { #[errguard::allow(payload-in-error)] body: Vec<u8> },
                }
            },
        )
        .to_string();
        assert!(!out.contains("errguard :: allow"), "{out}");
        assert!(out.contains("needs a `reason"), "{out}");
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
    }
}
