//! Parsing of `#[retryable_actor(...)]` arguments into typed settings.
//!
//! Every argument is `name = value`; each value is checked for its type here (an integer, a
//! duration string, a size, a bool, one of a few words, a path or expression). Mistakes are
//! collected, not fatal: a bad argument is reported and left at its default, so the function is
//! still expanded and callers see its real signature (one mistake, one message).

use std::time::Duration;

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::parse::{Parse, ParseStream};
use syn::punctuated::Punctuated;
use syn::{Expr, ExprLit, ExprUnary, Ident, Lit, Token, UnOp};

use crate::units;

/// One argument's value together with the tokens it came from (for error spans).
pub struct Setting<T> {
    pub value: T,
    pub tokens: TokenStream,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum JitterKind {
    None,
    Full,
    Equal,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OversizeKind {
    Retry,
    Fail,
}

/// Every argument `#[retryable_actor]` accepts; `None` is "not given".
#[derive(Default)]
pub struct ActorArgs {
    pub max_retries: Option<Setting<u32>>,
    pub min_backoff: Option<Setting<Duration>>,
    pub max_backoff: Option<Setting<Duration>>,
    pub factor: Option<Setting<f64>>,
    pub max_elapsed: Option<Setting<Duration>>,
    pub timeout: Option<Setting<Duration>>,
    pub jitter: Option<Setting<JitterKind>>,
    pub max_error_size: Option<Setting<u64>>,
    pub max_error_heap: Option<Setting<u64>>,
    pub max_report_len: Option<Setting<u64>>,
    pub retry_if: Option<Setting<Expr>>,
    pub retry_panics: Option<Setting<bool>>,
    pub on_oversize: Option<Setting<OversizeKind>>,
    pub name: Option<Setting<String>>,
    pub policy: Option<Setting<Expr>>,
    /// Arguments given with a value that was rejected (and reported): checks relating them to
    /// other arguments are skipped, so one mistake stays one message.
    pub invalid: Vec<String>,
}

/// Names accepted, in the order the docs list them.
pub const ARGUMENTS: &[&str] = &[
    "max_retries",
    "min_backoff",
    "max_backoff",
    "factor",
    "max_elapsed",
    "timeout",
    "jitter",
    "max_error_size",
    "max_error_heap",
    "max_report_len",
    "retry_if",
    "retry_panics",
    "on_oversize",
    "name",
    "policy",
];

/// `name = value` as written.
struct RawArg {
    key: Ident,
    value: Expr,
}

impl Parse for RawArg {
    fn parse(input: ParseStream) -> syn::Result<Self> {
        let key: Ident = input.call(syn::ext::IdentExt::parse_any)?;
        if input.peek(Token![-]) {
            // `max-retries`: the lint's rule ids are kebab-case, these names are not.
            let mut words = vec![key.to_string()];
            let mut tokens = key.to_token_stream();
            while input.peek(Token![-]) {
                let dash: Token![-] = input.parse()?;
                let word: Ident = input.call(syn::ext::IdentExt::parse_any)?;
                words.push(word.to_string());
                tokens.extend([dash.to_token_stream(), word.to_token_stream()]);
            }
            return Err(syn::Error::new_spanned(
                tokens,
                format!(
                    "`#[retryable_actor]` argument names are written with `_`: `{}`, not `{}`",
                    words.join("_"),
                    words.join("-")
                ),
            ));
        }
        if !input.peek(Token![=]) {
            return Err(syn::Error::new_spanned(
                &key,
                format!(
                    "expected `{key} = <value>`: every `#[retryable_actor]` argument has a value"
                ),
            ));
        }
        input.parse::<Token![=]>()?;
        let value: Expr = input.parse()?;
        Ok(RawArg { key, value })
    }
}

/// The parsed arguments and every mistake found in them (combined into one `syn::Error`).
pub struct Parsed {
    pub args: ActorArgs,
    pub errors: Option<syn::Error>,
}

/// Parses the attribute's tokens. Never fails: mistakes are returned in [`Parsed::errors`].
pub fn parse(tokens: TokenStream) -> Parsed {
    let mut args = ActorArgs::default();
    let mut errors = Errors::default();
    let raw =
        match syn::parse::Parser::parse2(Punctuated::<RawArg, Token![,]>::parse_terminated, tokens)
        {
            Ok(raw) => raw,
            // syn's own messages ("expected `,`") get the context; the argument parser's
            // already have it.
            Err(error) if error.to_string().contains("#[retryable_actor]") => {
                errors.push(error);
                return Parsed {
                    args,
                    errors: errors.0,
                };
            }
            Err(error) => {
                errors.push(syn::Error::new(
                    error.span(),
                    format!(
                        "malformed `#[retryable_actor]` arguments: {error}; \
                         write `name = value` pairs separated by commas"
                    ),
                ));
                return Parsed {
                    args,
                    errors: errors.0,
                };
            }
        };
    for RawArg { key, value } in raw {
        if let Err(error) = assign(&mut args, key, value) {
            errors.push(error);
        }
    }
    Parsed {
        args,
        errors: errors.0,
    }
}

#[derive(Default)]
pub struct Errors(pub Option<syn::Error>);

impl Errors {
    pub fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(all) => all.combine(error),
            None => self.0 = Some(error),
        }
    }
}

fn assign(args: &mut ActorArgs, key: Ident, value: Expr) -> syn::Result<()> {
    let name = key.to_string();
    match name.as_str() {
        "max_retries" => set(&mut args.invalid, &mut args.max_retries, key, value, |v| {
            int(v, "max_retries")
        }),
        "min_backoff" => set(
            &mut args.invalid,
            &mut args.min_backoff,
            key,
            value,
            duration,
        ),
        "max_backoff" => set(
            &mut args.invalid,
            &mut args.max_backoff,
            key,
            value,
            duration,
        ),
        "max_elapsed" => set(
            &mut args.invalid,
            &mut args.max_elapsed,
            key,
            value,
            duration,
        ),
        "timeout" => set(&mut args.invalid, &mut args.timeout, key, value, duration),
        "factor" => set(&mut args.invalid, &mut args.factor, key, value, factor),
        "jitter" => set(&mut args.invalid, &mut args.jitter, key, value, |v| {
            word(
                v,
                "jitter",
                &[
                    ("full", JitterKind::Full),
                    ("equal", JitterKind::Equal),
                    ("none", JitterKind::None),
                ],
            )
        }),
        "on_oversize" => set(&mut args.invalid, &mut args.on_oversize, key, value, |v| {
            word(
                v,
                "on_oversize",
                &[("retry", OversizeKind::Retry), ("fail", OversizeKind::Fail)],
            )
        }),
        "max_error_size" => set(
            &mut args.invalid,
            &mut args.max_error_size,
            key,
            value,
            size,
        ),
        "max_error_heap" => set(
            &mut args.invalid,
            &mut args.max_error_heap,
            key,
            value,
            size,
        ),
        "max_report_len" => set(
            &mut args.invalid,
            &mut args.max_report_len,
            key,
            value,
            size,
        ),
        "retry_panics" => set(
            &mut args.invalid,
            &mut args.retry_panics,
            key,
            value,
            boolean,
        ),
        "name" => set(&mut args.invalid, &mut args.name, key, value, |v| {
            string(v, "an actor name such as \"billing::charge\"")
        }),
        "retry_if" => set(&mut args.invalid, &mut args.retry_if, key, value, |v| {
            Ok(v.clone())
        }),
        "policy" => set(&mut args.invalid, &mut args.policy, key, value, |v| {
            Ok(v.clone())
        }),
        _ => Err(unknown(&key)),
    }
}

fn set<T>(
    invalid: &mut Vec<String>,
    slot: &mut Option<Setting<T>>,
    key: Ident,
    value: Expr,
    convert: impl FnOnce(&Expr) -> syn::Result<T>,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(syn::Error::new_spanned(
            &key,
            format!("duplicate argument `{key}`: it is already given above; keep one"),
        ));
    }
    let converted = convert(&value).inspect_err(|_| invalid.push(key.to_string()))?;
    *slot = Some(Setting {
        value: converted,
        tokens: value.to_token_stream(),
    });
    Ok(())
}

fn unknown(key: &Ident) -> syn::Error {
    let name = key.to_string();
    let nearest = ARGUMENTS
        .iter()
        .map(|candidate| (edit_distance(&name, candidate), *candidate))
        .min()
        .filter(|(distance, candidate)| *distance <= (candidate.len() / 3).max(2));
    let message = match nearest {
        Some((_, candidate)) => {
            format!("unknown `#[retryable_actor]` argument `{name}`; did you mean `{candidate}`?")
        }
        None => format!(
            "unknown `#[retryable_actor]` argument `{name}`; expected one of: {}",
            ARGUMENTS.join(", ")
        ),
    };
    syn::Error::new_spanned(key, message)
}

/// Levenshtein distance, for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous[j] + usize::from(ca != *cb);
            current.push(substitute.min(previous[j + 1] + 1).min(current[j] + 1));
        }
        previous = current;
    }
    previous[b.len()]
}

fn literal(value: &Expr) -> Option<&Lit> {
    match value {
        Expr::Lit(ExprLit { lit, .. }) => Some(lit),
        Expr::Group(group) => literal(&group.expr),
        _ => None,
    }
}

/// Added to "expected a literal" messages when the value is a name (a `const`, a `static`):
/// the macro reads values when it expands, before names mean anything.
fn literal_hint(value: &Expr) -> &'static str {
    match value {
        Expr::Path(_) | Expr::Call(_) | Expr::MethodCall(_) | Expr::Field(_) => {
            "; the macro reads it when it expands, so it must be written as a literal (not a constant or expression)"
        }
        _ => "",
    }
}

fn negative(value: &Expr) -> bool {
    matches!(
        value,
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            ..
        })
    )
}

fn int<T>(value: &Expr, what: &str) -> syn::Result<T>
where
    T: std::str::FromStr,
    T::Err: std::fmt::Display,
{
    match literal(value) {
        Some(Lit::Int(lit)) => lit.base10_parse::<T>().map_err(|_| {
            syn::Error::new_spanned(
                lit,
                format!(
                    "`{what}` is out of range for `{}`",
                    std::any::type_name::<T>()
                ),
            )
        }),
        _ if negative(value) => Err(syn::Error::new_spanned(
            value,
            format!("`{what}` must not be negative"),
        )),
        _ => Err(syn::Error::new_spanned(
            value,
            format!(
                "`{what}` expects an integer literal, e.g. `{what} = 5`{}",
                literal_hint(value)
            ),
        )),
    }
}

fn duration(value: &Expr) -> syn::Result<Duration> {
    match literal(value) {
        Some(Lit::Str(lit)) => units::parse_duration(&lit.value())
            .map_err(|message| syn::Error::new_spanned(lit, message)),
        Some(Lit::Int(lit)) => Err(syn::Error::new_spanned(
            lit,
            format!(
                "a duration needs a unit: write it as a string such as \"{}ms\" or \"{}s\"",
                lit.base10_digits(),
                lit.base10_digits()
            ),
        )),
        _ => Err(syn::Error::new_spanned(
            value,
            format!(
                "expected a duration string such as \"100ms\", \"30s\", \"5m\" or \"1h\"{}",
                literal_hint(value)
            ),
        )),
    }
}

fn size(value: &Expr) -> syn::Result<u64> {
    match literal(value) {
        Some(Lit::Int(lit)) => lit.base10_parse::<u64>().map_err(|_| {
            syn::Error::new_spanned(lit, "size is out of range: at most `u64::MAX` bytes")
        }),
        Some(Lit::Str(lit)) => {
            units::parse_size(&lit.value()).map_err(|message| syn::Error::new_spanned(lit, message))
        }
        _ => Err(syn::Error::new_spanned(
            value,
            format!(
                "expected a size in bytes: an integer such as `128` or a string such as \"64KiB\"{}",
                literal_hint(value)
            ),
        )),
    }
}

fn factor(value: &Expr) -> syn::Result<f64> {
    match literal(value) {
        Some(Lit::Float(lit)) => lit.base10_parse::<f64>(),
        Some(Lit::Int(lit)) => lit.base10_parse::<f64>(),
        _ => Err(syn::Error::new_spanned(
            value,
            format!(
                "`factor` expects a number literal such as `2.0`{}",
                literal_hint(value)
            ),
        )),
    }
}

fn boolean(value: &Expr) -> syn::Result<bool> {
    match literal(value) {
        Some(Lit::Bool(lit)) => Ok(lit.value),
        _ => Err(syn::Error::new_spanned(value, "expected `true` or `false`")),
    }
}

fn string(value: &Expr, what: &str) -> syn::Result<String> {
    match literal(value) {
        Some(Lit::Str(lit)) => Ok(lit.value()),
        _ => Err(syn::Error::new_spanned(
            value,
            format!("expected a string literal: {what}"),
        )),
    }
}

fn word<T: Copy>(value: &Expr, what: &str, choices: &[(&str, T)]) -> syn::Result<T> {
    let names: Vec<String> = choices
        .iter()
        .map(|(name, _)| format!("\"{name}\""))
        .collect();
    let expected = names.join(", ");
    let Some(Lit::Str(lit)) = literal(value) else {
        return Err(syn::Error::new_spanned(
            value,
            format!("`{what}` expects one of the strings {expected}, in quotes"),
        ));
    };
    let text = lit.value();
    if let Some((_, choice)) = choices.iter().find(|(name, _)| *name == text) {
        return Ok(*choice);
    }
    let nearest = choices
        .iter()
        .map(|(name, _)| (edit_distance(&text, name), *name))
        .min()
        .filter(|(distance, _)| *distance <= 2);
    let message = match nearest {
        Some((_, name)) => format!(
            "unknown `{what}` value \"{text}\"; did you mean \"{name}\"? (expected one of {expected})"
        ),
        None => format!("unknown `{what}` value \"{text}\"; expected one of {expected}"),
    };
    Err(syn::Error::new_spanned(lit, message))
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    #[test]
    fn distance() {
        assert_eq!(edit_distance("max_retry", "max_retries"), 3);
        assert_eq!(edit_distance("timeout", "timeout"), 0);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn parses_every_argument() {
        let parsed = parse(quote! {
            max_retries = 5, min_backoff = "100ms", max_backoff = "30s", factor = 2,
            max_elapsed = "5m", timeout = "10s", jitter = "equal", max_error_size = 64,
            max_error_heap = "64KiB", max_report_len = "1KiB", retry_if = crate::transient,
            retry_panics = false, on_oversize = "fail", name = "x", policy = POLICY.clone(),
        });
        assert!(parsed.errors.is_none());
        let args = parsed.args;
        assert_eq!(args.max_retries.unwrap().value, 5);
        assert_eq!(args.min_backoff.unwrap().value, Duration::from_millis(100));
        assert_eq!(args.factor.unwrap().value, 2.0);
        assert_eq!(args.jitter.unwrap().value, JitterKind::Equal);
        assert_eq!(args.max_error_heap.unwrap().value, 65_536);
        assert_eq!(args.max_report_len.unwrap().value, 1024);
        assert_eq!(args.on_oversize.unwrap().value, OversizeKind::Fail);
        assert!(!args.retry_panics.unwrap().value);
        assert_eq!(args.name.unwrap().value, "x");
    }

    #[test]
    fn collects_every_mistake() {
        let parsed = parse(quote! { max_retry = 1, timeout = 5, timeout = "1s", jitter = "fulll" });
        let messages: Vec<String> = parsed
            .errors
            .unwrap()
            .into_iter()
            .map(|e| e.to_string())
            .collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(messages[0].contains("did you mean `max_retries`"));
        assert!(messages[1].contains("\"5s\""));
        assert!(messages[2].contains("did you mean \"full\""));
    }
}
