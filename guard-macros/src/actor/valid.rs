//! Validation: the function's shape and the arguments' relations, each mistake a spanned error.
//!
//! When the function itself cannot become an actor (not `async`, no return type, ...), the
//! caller emits the item unchanged (minus the offending keyword, where that keyword alone would
//! make rustc complain a second time) next to the error.

use std::time::Duration;

use syn::{ItemFn, ReturnType, Type};

use super::ast::{ActorFn, PRIMITIVE_TYPES};
use super::attr::{ActorArgs, Errors};

/// The runtime's defaults, for checks of a literal against a setting left at its default.
const DEFAULT_MIN_BACKOFF: Duration = Duration::from_secs(1);
const DEFAULT_MAX_BACKOFF: Duration = Duration::from_secs(60);
/// `errguard::policy::MIN_REPORT_LEN`.
const MIN_REPORT_LEN: u64 = 16;

/// What [`check_fn`] found.
pub enum Checked {
    /// An actor, with the error about its shape if it had to be repaired (not `async`, `const`,
    /// `extern`, variadic, `unsafe`): it is expanded anyway, as if written right, so callers
    /// see the actor's real signature and no second error.
    Actor(Box<ActorFn>, Option<syn::Error>),
    /// Not an actor at all: the error and the item to emit in its place.
    Item(syn::Error, Box<ItemFn>),
}

/// Checks the function's shape and return type.
pub fn check_fn(mut item: ItemFn) -> Checked {
    let sig = &item.sig;
    let shape = if let Some(constness) = &sig.constness {
        Some(syn::Error::new_spanned(
            constness,
            "an actor cannot be a `const fn`: `#[retryable_actor]` needs an `async fn`; remove `const`",
        ))
    } else if let Some(abi) = &sig.abi {
        Some(syn::Error::new_spanned(
            abi,
            "an actor cannot be an `extern` fn: the runner calls it as a Rust `async fn`; remove the ABI",
        ))
    } else if let Some(variadic) = &sig.variadic {
        Some(syn::Error::new_spanned(
            variadic,
            "an actor cannot be variadic: each attempt must be called again with the same arguments",
        ))
    } else if let Some(unsafety) = &sig.unsafety {
        Some(syn::Error::new_spanned(
            unsafety,
            "an actor cannot be an `unsafe fn`: the runner calls it once per attempt; \
             make it safe and keep `unsafe` blocks inside the body",
        ))
    } else if sig.asyncness.is_none() {
        Some(syn::Error::new_spanned(
            sig.fn_token,
            "`#[retryable_actor]` needs an `async fn`: write `async fn`; the body runs once per attempt",
        ))
    } else {
        None
    };
    if shape.is_some() {
        // Repaired to what was meant (an `async fn`), so this is the only message. `unsafe`
        // stays: the body and the callers were written for it.
        let span = sig.fn_token.span;
        item.sig.constness = None;
        item.sig.abi = None;
        item.sig.variadic = None;
        item.sig.asyncness.get_or_insert(syn::Token![async](span));
    }
    let sig = &item.sig;
    let ret = match &sig.output {
        ReturnType::Default => {
            let error = syn::Error::new(
                sig.paren_token.span.close(),
                "an actor needs a return type `Result<T, E>`: the runner retries on `Err`; add `-> Result<T, E>`",
            );
            return Checked::Item(shape.unwrap_or(error), Box::new(item));
        }
        ReturnType::Type(_, ty) => (**ty).clone(),
    };
    let error = if let Some(found) = not_a_result(&ret) {
        Some(syn::Error::new_spanned(
            &ret,
            format!(
                "an actor's return type must be `Result<T, E>` (or an alias of it), found {found}: \
                 the runner retries on `Err`"
            ),
        ))
    } else {
        impl_trait_in(&ret).map(|impl_trait| {
            syn::Error::new_spanned(
                impl_trait,
                "an actor cannot return `impl Trait`: the runner names `T` and `E` in the \
                 actor's signature; name the type (or box it: `Box<dyn Trait>`)",
            )
        })
    };
    if let Some(error) = error {
        return Checked::Item(shape.unwrap_or(error), Box::new(item));
    }
    Checked::Actor(Box::new(ActorFn::new(item, ret)), shape)
}

/// The first `impl Trait` inside a return type (`Result<impl Display, E>`).
fn impl_trait_in(ty: &Type) -> Option<&syn::TypeImplTrait> {
    use syn::visit::Visit;
    struct Find<'a>(Option<&'a syn::TypeImplTrait>);
    impl<'a> Visit<'a> for Find<'a> {
        fn visit_type_impl_trait(&mut self, found: &'a syn::TypeImplTrait) {
            self.0.get_or_insert(found);
        }
    }
    let mut find = Find(None);
    find.visit_type(ty);
    find.0
}

/// Names the kind of a return type that can never be a `Result`, judged by its syntax alone
/// (paths are left to the type system: any alias of `Result` is fine).
fn not_a_result(ty: &Type) -> Option<String> {
    let found = match ty {
        Type::Path(path) if path.qself.is_none() => {
            let last = path.path.segments.last()?;
            let name = last.ident.to_string();
            let single = path.path.segments.len() == 1;
            let known = ["Option", "Vec", "String", "Box", "Pin"];
            if single
                && (PRIMITIVE_TYPES.contains(&name.as_str()) || known.contains(&name.as_str()))
            {
                format!("`{name}`")
            } else {
                return None;
            }
        }
        Type::Group(group) => return not_a_result(&group.elem),
        Type::Paren(paren) => return not_a_result(&paren.elem),
        Type::Path(_) | Type::Macro(_) | Type::Verbatim(_) => return None,
        Type::Tuple(tuple) if tuple.elems.is_empty() => "`()`".to_owned(),
        Type::Tuple(_) => "a tuple".to_owned(),
        Type::Reference(_) => "a reference".to_owned(),
        Type::ImplTrait(_) => "an `impl Trait` type".to_owned(),
        Type::TraitObject(_) => "a trait object".to_owned(),
        Type::Never(_) => "`!`".to_owned(),
        Type::Array(_) => "an array".to_owned(),
        Type::Slice(_) => "a slice".to_owned(),
        Type::Ptr(_) => "a raw pointer".to_owned(),
        Type::BareFn(_) => "a function pointer".to_owned(),
        Type::Infer(_) => "`_`".to_owned(),
        _ => "a type that is not a `Result`".to_owned(),
    };
    Some(found)
}

/// Checks settings against each other (and against the runtime's defaults), as far as they are
/// literals. Errors are pushed; the offending setting is reset to "not given".
pub fn check_args(args: &mut ActorArgs, errors: &mut Errors) {
    let explicit_policy = args.policy.is_some();
    if let Some(factor) = &args.factor
        && !(factor.value.is_finite() && factor.value >= 1.0)
    {
        errors.push(syn::Error::new_spanned(
            &factor.tokens,
            format!(
                "`factor` must be a finite number >= 1.0 (the delay never shrinks), got {}",
                factor.value
            ),
        ));
        args.factor = None;
    }
    if let Some(timeout) = &args.timeout
        && timeout.value.is_zero()
    {
        errors.push(syn::Error::new_spanned(
            &timeout.tokens,
            "`timeout` must be greater than zero: a zero timeout fails every attempt",
        ));
        args.timeout = None;
    }
    if let Some(len) = &args.max_report_len
        && len.value < MIN_REPORT_LEN
    {
        errors.push(syn::Error::new_spanned(
            &len.tokens,
            format!(
                "`max_report_len` must be at least {MIN_REPORT_LEN} bytes (room for a type name and the truncation mark)"
            ),
        ));
        args.max_report_len = None;
    }
    let min = args.min_backoff.as_ref().map(|s| s.value);
    let max = args.max_backoff.as_ref().map(|s| s.value);
    // A backoff given but rejected has been reported; comparing the other one with a default
    // in its place would be a second message about the same mistake.
    let rejected = args
        .invalid
        .iter()
        .any(|name| name == "min_backoff" || name == "max_backoff");
    let bad = !rejected
        && match (min, max) {
            (Some(min), Some(max)) => min > max,
            (Some(min), None) if !explicit_policy => min > DEFAULT_MAX_BACKOFF,
            (None, Some(max)) if !explicit_policy => DEFAULT_MIN_BACKOFF > max,
            _ => false,
        };
    if bad {
        let min = min.unwrap_or(DEFAULT_MIN_BACKOFF);
        let max = max.unwrap_or(DEFAULT_MAX_BACKOFF);
        let message = format!(
            "`min_backoff` ({min:?}) must not be greater than `max_backoff` ({max:?}){}",
            match (&args.min_backoff, &args.max_backoff) {
                (Some(_), None) => " (the default)",
                (None, Some(_)) => "; the default `min_backoff` is 1s",
                _ => "",
            }
        );
        let tokens = match (&args.min_backoff, &args.max_backoff) {
            (Some(setting), _) => &setting.tokens,
            (None, Some(setting)) => &setting.tokens,
            (None, None) => unreachable!("one of them is given"),
        };
        errors.push(syn::Error::new_spanned(tokens, message));
        args.min_backoff = None;
        args.max_backoff = None;
    }
}
