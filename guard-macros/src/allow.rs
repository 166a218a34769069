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

use crate::actor::edit_distance;

/// The rule ids `cargo errguard check` knows: the only list of them in this crate.
///
/// Keep it equal to the ids of `Rule::id` in `lint-cli/src/rules.rs`; the errguard-tests test
/// `allow_rule_ids` (through `errguard::__private::ALLOW_RULE_IDS`) fails when they differ.
pub const RULE_IDS: [&str; 5] = [
    "heap-buffer",
    "generic-payload",
    "large-inline",
    "unbounded-collection",
    "unused-allow",
];

/// `__allow_rule_ids!()`: [`RULE_IDS`] as an array expression.
pub fn rule_ids(input: TokenStream) -> TokenStream {
    if !input.is_empty() {
        return syn::Error::new_spanned(input, "`__allow_rule_ids!()` takes no arguments")
            .into_compile_error();
    }
    let ids = RULE_IDS;
    quote::quote!([#(#ids),*])
}

/// One rule id as written, with its tokens for the error span.
pub struct RuleId {
    /// The id, `_` read as `-` as the lint does (`heap_buffer` is `heap-buffer`).
    pub id: String,
    tokens: TokenStream,
}

/// The parsed arguments: the rule ids and the reason.
pub struct AllowArgs {
    pub rules: Vec<RuleId>,
    pub reason: Option<LitStr>,
}

/// A rule id: a kebab-case word sequence (`heap-buffer`) or a string literal.
fn parse_rule(input: ParseStream) -> syn::Result<RuleId> {
    if input.peek(LitStr) {
        let lit: LitStr = input.parse()?;
        return Ok(RuleId {
            id: lit.value().replace('_', "-"),
            tokens: lit.to_token_stream(),
        });
    }
    let first = input.call(Ident::parse_any)?;
    let mut id = first.to_string();
    let mut tokens = first.to_token_stream();
    while input.peek(Token![-]) {
        let dash: Token![-] = input.parse()?;
        let word = input.call(Ident::parse_any)?;
        id.push('-');
        id.push_str(&word.to_string());
        dash.to_tokens(&mut tokens);
        word.to_tokens(&mut tokens);
    }
    Ok(RuleId {
        id: id.replace('_', "-"),
        tokens,
    })
}

/// The error for a rule id the lint does not know: the nearest known id, if one is close
/// (at most half of the characters differ), and the known ids.
fn unknown_rule(rule: &RuleId) -> syn::Error {
    let nearest = RULE_IDS
        .iter()
        .map(|known| (edit_distance(&rule.id, known), *known))
        .min()
        .filter(|(distance, known)| distance * 2 <= known.len().max(rule.id.chars().count()));
    let hint = match nearest {
        Some((_, known)) => format!("; did you mean `{known}`?"),
        None => ";".to_string(),
    };
    syn::Error::new_spanned(
        &rule.tokens,
        format!(
            "unknown errguard rule `{}`{hint} known rules: {}",
            rule.id,
            RULE_IDS.join(", ")
        ),
    )
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

/// Checks the arguments: at least one rule id, every id known to the lint, and a reason.
fn check(args: &AllowArgs, span: &dyn ToTokens) -> syn::Result<()> {
    if args.rules.is_empty() {
        return Err(syn::Error::new_spanned(
            span,
            "`#[errguard::allow]` needs a rule id, e.g. `#[errguard::allow(heap-buffer, reason = \"…\")]`",
        ));
    }
    let mut errors: Option<syn::Error> = None;
    let mut push = |error: syn::Error| match &mut errors {
        Some(all) => all.combine(error),
        None => errors = Some(error),
    };
    for rule in &args.rules {
        if !RULE_IDS.contains(&rule.id.as_str()) {
            push(unknown_rule(rule));
        }
    }
    if args.reason.is_none() {
        push(syn::Error::new_spanned(
            span,
            "`#[errguard::allow]` needs a `reason = \"…\"`: every suppression says why",
        ));
    }
    match errors {
        Some(errors) => Err(errors),
        None => Ok(()),
    }
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

    fn ids(args: &AllowArgs) -> Vec<&str> {
        args.rules.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn parses_rules_and_reason() {
        let args: AllowArgs = syn::parse2(quote!(
            heap - buffer,
            "generic-payload",
            large_inline,
            reason = "bounded by the caller"
        ))
        .unwrap();
        assert_eq!(
            ids(&args),
            ["heap-buffer", "generic-payload", "large-inline"]
        );
        assert_eq!(args.reason.unwrap().value(), "bounded by the caller");
    }

    #[test]
    fn reason_is_required_and_nested_are_stripped() {
        let out = expand(
            TokenStream::new(),
            quote! {
                enum E {
                    #[errguard::allow(large-inline, reason = "rare")]
                    A(Vec<u8>),
                    B { #[errguard::allow(heap-buffer)] body: Vec<u8> },
                }
            },
        )
        .to_string();
        assert!(!out.contains("errguard :: allow"), "{out}");
        assert!(out.contains("needs a `reason"), "{out}");
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
    }

    #[test]
    fn every_known_rule_is_accepted() {
        for id in RULE_IDS {
            let args: AllowArgs =
                syn::parse2(format!("{id}, reason = \"r\"").parse().unwrap()).unwrap();
            assert!(check(&args, &CallSite).is_ok(), "{id}");
        }
    }

    fn unknown_message(args: TokenStream) -> String {
        let args: AllowArgs = syn::parse2(args).unwrap();
        check(&args, &CallSite).unwrap_err().to_string()
    }

    #[test]
    fn unknown_rule_suggests_the_nearest() {
        assert_eq!(
            unknown_message(quote!(large - size, reason = "r")),
            "unknown errguard rule `large-size`; did you mean `large-inline`? known rules: \
             heap-buffer, generic-payload, large-inline, unbounded-collection, unused-allow"
        );
        assert!(
            unknown_message(quote!("heap-bufer", reason = "r"))
                .contains("did you mean `heap-buffer`?")
        );
        let far = unknown_message(quote!(source - error, reason = "r"));
        assert!(!far.contains("did you mean"), "{far}");
        assert!(far.starts_with("unknown errguard rule `source-error`; known rules: heap-buffer"));
    }

    #[test]
    fn unknown_rule_keeps_the_item_and_reports_each_mistake_once() {
        let out = expand(
            quote!(payload, reason = "r"),
            quote!(
                struct S {
                    body: Vec<u8>,
                }
            ),
        )
        .to_string();
        assert!(out.starts_with("struct S"), "{out}");
        assert_eq!(out.matches("compile_error").count(), 1, "{out}");
        let out = expand(
            TokenStream::new(),
            quote! {
                enum E {
                    #[errguard::allow(heap-bufer, large-size, reason = "r")]
                    A(Vec<u8>),
                }
            },
        )
        .to_string();
        assert!(out.starts_with("enum E"), "{out}");
        assert!(!out.contains("errguard :: allow"), "{out}");
        assert_eq!(out.matches("compile_error").count(), 2, "{out}");
    }
}
