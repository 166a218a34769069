//! Expansion into `::errguard::__private` calls.
//!
//! ```text
//! async fn name(args) -> Result<<R as ResultParts>::Ok, ActorFailure>
//! where R: ActorResult                      // only for an alias return type
//! {
//!     const _: () = check_error_size::<E>(limit, "the error type `E`"); // or `const { .. }`
//!     let policy = ...;                     // RetryPolicy::new() or `policy = expr`, then overrides
//!     let runner = ActorRunner::<E>::new(name, &policy); // + Footprint / RetryAfter, + retry_if
//!     // by-value args -> Option slots; &mut args -> MutSlot; & args are copied
//!     run::<E, _, _, _>(runner, move |attempt| { per-attempt args; attempt body }).await
//! }
//! ```
//!
//! `E` is `<R as ResultParts>::Err`; `run` is the one place `E: ActorError` is required.
//!
//! The attempt body is the original body in an `async move` block for functions without a
//! receiver, and a call to a hidden sibling method holding the original body for methods (a
//! closure cannot rebind `self`).

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::ext::IdentExt;
use syn::spanned::Spanned;
use syn::{
    AttrStyle, Attribute, FnArg, GenericArgument, GenericParam, Generics, Ident, Pat, PatIdent,
    PatType, PathArguments, ReturnType, Signature, Type,
};

use super::ast::{ActorFn, PRIMITIVE_TYPES, Passing};
use super::attr::{ActorArgs, JitterKind, OversizeKind};

/// The default `max_error_size` (the lint's default too).
const DEFAULT_MAX_ERROR_SIZE: u64 = 128;

/// One of the macro's own locals: invisible to the user's code (mixed-site hygiene), located
/// at `at` (the return type) so diagnostics about the run point at user tokens.
fn local(name: &str, at: Span) -> Ident {
    Ident::new(name, at.resolved_at(Span::mixed_site()))
}

/// How the wrapper holds one input between attempts, and how an attempt gets it.
struct Held {
    /// Statements in the wrapper before the runner starts.
    setup: TokenStream,
    /// Statements in the closure, per attempt (before the attempt future).
    per_attempt: TokenStream,
    /// Statements at the start of the attempt's `async move` block (leases).
    in_future: TokenStream,
    /// The value an attempt passes on (an expression naming the per-attempt binding).
    value: TokenStream,
    /// Whether `in_future` is needed (a lease must live in the future).
    leased: bool,
}

pub fn expand(actor: &ActorFn, args: &ActorArgs) -> TokenStream {
    let item = &actor.item;
    let ret = &actor.ret;
    let sig = &item.sig;
    // Every projection is spanned at the return type: if it is not a `Result`, rustc reports
    // one error there (identical diagnostics are merged).
    let ret_span = ret.span();
    let written_error = written_error(ret);
    let error_ty = quote_spanned!(ret_span=> <#ret as ::errguard::__private::ResultParts>::Err);
    // The runner is reached through `__private` functions bounded by `ActorError` alone, all
    // called at these tokens (`E` as written, or the return type): when `E` is not an
    // acceptable error type, rustc reports that once.
    let error_span = written_error.map_or(ret_span, Spanned::span);
    let ok_ty = quote_spanned!(ret_span=> <#ret as ::errguard::__private::ResultParts>::Ok);

    let attempt = local("attempt", ret_span);
    let mut held = Vec::new();
    let mut wrapper_inputs = Vec::new();
    if let Some((receiver, passing)) = &actor.receiver {
        let this = local("this", ret_span);
        let mut receiver = receiver.clone();
        if receiver.reference.is_none() {
            // `mut self` matters to the body (in the sibling method), not to the wrapper.
            receiver.mutability = None;
        }
        wrapper_inputs.push(quote!(#receiver));
        held.push(hold(
            *passing,
            &this,
            &quote!(self),
            &receiver,
            &attempt,
            None,
        ));
    }
    for (index, argument) in actor.arguments.iter().enumerate() {
        let param_name = match &argument.pat {
            // `_`-prefixed names are the user's "unused" marker: the wrapper uses the value,
            // so it takes it under its own name (`clippy::used_underscore_binding`).
            Pat::Ident(PatIdent {
                by_ref: None,
                subpat: None,
                ident,
                ..
            }) if !ident.unraw().to_string().starts_with('_') => ident.clone(),
            _ => local(&format!("arg{index}"), ret_span),
        };
        let ty = &argument.ty;
        wrapper_inputs.push(quote!(#param_name: #ty));
        let binding = if actor.receiver.is_some() {
            None
        } else {
            Some(&argument.pat)
        };
        let slot = local(&format!("held{index}"), ret_span);
        held.push(hold(
            argument.passing,
            &slot,
            &quote!(#param_name),
            &argument.ty,
            &attempt,
            binding,
        ));
    }

    let setup = held.iter().map(|h| &h.setup);
    let per_attempt = held.iter().map(|h| &h.per_attempt);
    let in_future = held.iter().map(|h| &h.in_future);
    let leased = held.iter().any(|h| h.leased);
    let values: Vec<&TokenStream> = held.iter().map(|h| &h.value).collect();

    let (attempt_future, sibling) = if actor.receiver.is_some() {
        let inner = format_ident!("__errguard_attempt_{}", sig.ident);
        let turbofish = turbofish(sig);
        let call = quote!(Self::#inner #turbofish(#(#values),*));
        // An `unsafe fn` was reported in `valid`; it is still expanded (so callers see one
        // error), the sibling kept `unsafe` for the body's sake.
        let call = if sig.unsafety.is_some() {
            quote!(#[allow(unused_unsafe)] unsafe { #call })
        } else {
            call
        };
        let future = if leased {
            attempt_fn(
                ret,
                quote_spanned!(ret_span=> async move { #(#in_future)* #call.await }),
            )
        } else {
            attempt_fn(ret, call)
        };
        (future, Some(inner))
    } else {
        // The body's statements, not its block: `{ { stmt } }` would be `unused_braces` on
        // the user's tokens.
        let stmts = &item.block.stmts;
        (
            attempt_fn(
                ret,
                quote_spanned! {ret_span=>
                    async move {
                        #(#in_future)*
                        #(#stmts)*
                    }
                },
            ),
            None,
        )
    };

    let policy = local("policy", ret_span);
    let new_probe = quote_spanned!(ret_span=> ::errguard::__private::Probe::<#error_ty>::new());
    let runner = local("runner", ret_span);
    let probe = local("probe", ret_span);
    let policy_expr = policy_expr(args);
    let name = match &args.name {
        Some(setting) => {
            let name = &setting.value;
            quote!(#name)
        }
        None => {
            // The function's path, `module::function` or `module::Type::method` (an attribute
            // cannot tell whether it sits in an `impl`): read it from a marker item nested in
            // the wrapper, a `&'static str` slice, no allocation.
            quote! {{
                fn __errguard_actor_name() {}
                ::errguard::__private::actor_name(
                    ::core::any::type_name_of_val(&__errguard_actor_name),
                )
            }}
        }
    };
    let new_runner = quote_spanned!(ret_span=>
        ::errguard::__private::ActorRunner::<#error_ty>::new(#name, &#policy));
    let retry_if = args.retry_if.as_ref().map(|setting| {
        let predicate = &setting.tokens;
        quote_spanned!(setting.tokens.span()=> let #runner = #runner.retry_if(#predicate);)
    });
    let limit = args
        .max_error_size
        .as_ref()
        .map_or(DEFAULT_MAX_ERROR_SIZE, |s| s.value);
    let limit_span = args
        .max_error_size
        .as_ref()
        .map_or_else(|| ret.span(), |s| s.tokens.span());
    let limit = proc_macro2::Literal::u64_unsuffixed(limit);
    let error_of = error_of(ret, written_error, &sig.generics);
    // Without generics, the check is a constant item nested in the body, which `cargo check`
    // evaluates too. A nested item cannot name an enclosing `impl`'s (or trait's) parameters,
    // which an attribute cannot see, so it is used only when every name in the error type is
    // certainly not one of them (`nameable_from_nested_item`); it names `E` as written, so the
    // `Ok` type plays no part. Otherwise (generics, a receiver, a possible outer parameter, or a
    // `where R: ActorResult` clause, which a nested item does not see) it is an inline `const`
    // block, evaluated per instantiation when the code is built (post-monomorphization).
    let result_bound = result_bound(ret, written_error);
    let item_level = actor.receiver.is_none()
        && result_bound.is_none()
        && sig.generics.params.is_empty()
        && written_error.map_or_else(
            || nameable_from_nested_item(ret, false),
            |error| nameable_from_nested_item(error, true),
        );
    let size_check = if item_level {
        let error = written_error.map_or_else(|| error_ty.clone(), |error| quote!(#error));
        quote_spanned! {limit_span=>
            const _: () = ::errguard::__private::check_error_size::<#error>(#limit, #error_of);
        }
    } else {
        quote_spanned! {limit_span=>
            const { ::errguard::__private::check_error_size::<#error_ty>(#limit, #error_of) };
        }
    };

    let (outer, inner_attrs): (Vec<&Attribute>, Vec<&Attribute>) = item
        .attrs
        .iter()
        .partition(|attr| matches!(attr.style, AttrStyle::Outer));
    // Inner attributes (`#![allow(..)]` in the body) apply to the function holding the body:
    // the wrapper for a free function, the sibling for a method. Written as outer ones there.
    let inner_attrs: Vec<Attribute> = inner_attrs
        .into_iter()
        .map(|attr| Attribute {
            style: AttrStyle::Outer,
            ..attr.clone()
        })
        .collect();
    let wrapper_inner = if actor.receiver.is_some() {
        &[][..]
    } else {
        &inner_attrs[..]
    };
    let vis = &item.vis;
    let asyncness = &sig.asyncness;
    let unsafety = &sig.unsafety;
    let ident = &sig.ident;
    let generics = &sig.generics;
    let where_clause = match (&sig.generics.where_clause, result_bound) {
        (Some(clause), Some(bound)) => {
            let predicates = clause.predicates.iter();
            quote!(where #(#predicates,)* #bound)
        }
        (Some(clause), None) => quote!(#clause),
        (None, Some(bound)) => quote!(where #bound),
        (None, None) => TokenStream::new(),
    };
    let output = match &sig.output {
        ReturnType::Type(arrow, _) => {
            let output = quote_spanned!(ret_span=>
                ::core::result::Result<#ok_ty, ::errguard::__private::ActorFailure>);
            quote!(#arrow #output)
        }
        ReturnType::Default => unreachable!("checked in valid"),
    };

    let checked_error =
        quote_spanned!(error_span=> <#ret as ::errguard::__private::ResultParts>::Err);
    let closure = quote_spanned! {ret_span=>
        move |#attempt: ::errguard::__private::Attempt| {
            #(#per_attempt)*
            #attempt_future
        }
    };
    // The call and its `.await` at one span: `E: ActorError` failing is one message there.
    let run_call = quote_spanned! {error_span=>
        ::errguard::__private::run::<#checked_error, _, _, _>(#runner, #closure).await
    };
    // The body is spliced at the return type: when that is not a `Result`, every obligation
    // that fails because of it lands on the same tokens and rustc shows one message.
    let body = quote_spanned! {ret_span=>
            #size_check
            let #policy: ::errguard::__private::RetryPolicy = #policy_expr;
            let #runner = #new_runner;
            let #runner = {
                #[allow(unused_imports)]
                use ::errguard::__private::{
                    HonourRetryAfter as _, IgnoreRetryAfter as _, MeasureFootprint as _,
                    MeasureNothing as _,
                };
                let #probe = #new_probe;
                let #runner = (&#probe).errguard_measure(#runner);
                (&#probe).errguard_retry_after(#runner)
            };
            #retry_if
            #(#setup)*
            #run_call
    };
    let block = quote_spanned!(ret_span=> { #body });
    // With a sibling, a lint the user `#[expect]`s fires on the sibling (it has the body) and
    // maybe on the wrapper (same signature): expecting it on both would leave one unfulfilled.
    let outer: Vec<Attribute> = outer
        .into_iter()
        .map(|attr| match &sibling {
            Some(_) if attr.path().is_ident("expect") => expect_as_allow(attr),
            _ => attr.clone(),
        })
        .collect();
    let sibling = sibling.map(|name| sibling_method(actor, &name, &inner_attrs));
    quote! {
        #(#outer)*
        #(#wrapper_inner)*
        #vis #asyncness #unsafety fn #ident #generics (#(#wrapper_inputs),*) #output #where_clause #block
        #sibling
    }
}

/// `attempt::<R, _>(future)`, spanned at the return type `R` (see the projections above).
fn attempt_fn(ret: &Type, future: TokenStream) -> TokenStream {
    quote_spanned!(ret.span()=> ::errguard::__private::attempt::<#ret, _>(#future))
}

/// `where R: ActorResult` for a return type that only the type system can judge (an alias, a
/// struct, `Self`), spanned at it: if `R` is not a `Result` that bound is the one error, and
/// the body is checked as if it held, so the body's uses of `R` add nothing. Left out when
/// `R` is written `Result<_, _>` (nothing to check) or has elided lifetimes (not allowed in a
/// where-clause).
fn result_bound(ret: &Type, written: Option<&Type>) -> Option<TokenStream> {
    fn elided(tokens: TokenStream) -> bool {
        let tokens: Vec<proc_macro2::TokenTree> = tokens.into_iter().collect();
        tokens.iter().enumerate().any(|(i, token)| match token {
            proc_macro2::TokenTree::Punct(punct) if punct.as_char() == '&' => !matches!(
                tokens.get(i + 1),
                Some(proc_macro2::TokenTree::Punct(next)) if next.as_char() == '\''
            ),
            proc_macro2::TokenTree::Ident(ident) => ident == "_",
            proc_macro2::TokenTree::Group(group) => elided(group.stream()),
            _ => false,
        })
    }
    if written.is_some() || elided(quote!(#ret)) {
        return None;
    }
    Some(quote_spanned!(ret.span()=> #ret: ::errguard::__private::ActorResult))
}

/// `E` as written in `Result<T, E>` (any path ending in `Result` with two arguments), if so.
fn written_error(ret: &Type) -> Option<&Type> {
    let Type::Path(path) = ret else {
        return match ret {
            Type::Group(group) => written_error(&group.elem),
            Type::Paren(paren) => written_error(&paren.elem),
            _ => None,
        };
    };
    let last = path.path.segments.last()?;
    if last.ident != "Result" {
        return None;
    }
    let PathArguments::AngleBracketed(arguments) = &last.arguments else {
        return None;
    };
    let types: Vec<&Type> = arguments
        .args
        .iter()
        .filter_map(|argument| match argument {
            GenericArgument::Type(ty) => Some(ty),
            _ => None,
        })
        .collect();
    match types[..] {
        [_, error] => Some(error),
        _ => None,
    }
}

/// How the size message names the error type: `` `Big` `` when written out and concrete;
/// otherwise the return type, with a pointer to the note that names the instance.
fn error_of(ret: &Type, written: Option<&Type>, generics: &Generics) -> String {
    let generic = |ty: &Type| {
        let text = quote!(#ty).to_string();
        let words: Vec<&str> = text
            .split(|c: char| !(c.is_alphanumeric() || c == '_'))
            .collect();
        generics.params.iter().any(|param| match param {
            GenericParam::Type(param) => words.contains(&param.ident.to_string().as_str()),
            _ => false,
        }) || words.contains(&"Self")
    };
    match written {
        Some(error) if !generic(error) => format!("the error type `{}`", type_text(error)),
        Some(error) => format!(
            "the error type `{}` (the instance is named in the `evaluation of` note below)",
            type_text(error)
        ),
        None => format!(
            "the error type of `{}` (the function is named in the `evaluation of` note below)",
            type_text(ret)
        ),
    }
}

/// Whether an item nested in the body can name `ty`, the error type the size check names.
///
/// It cannot name an enclosing `impl`'s or trait's type, const or lifetime parameters, and an
/// attribute cannot tell whether there are any (`impl<Item> Holder<Item> { .. Oops<Item> .. }`),
/// so this is conservative: `false` (an inline `const` block, checked by a build) unless every
/// name is certainly not such a parameter. Certain are: paths from the crate root, `crate::`,
/// `self::`, `super::` or a lowercase module (`std::io::Error`), primitives and the prelude's
/// types (`u8`, `str`, `String`, ..), a name with generic arguments (`Oops<u8>`: a parameter
/// takes none), trait names (`dyn Error + Send`), `'static` and literal lengths and constants.
/// Not: `Self`, a type's associated item (`T::Error`, `Item::Err`), a named lifetime, a
/// non-literal constant (`[u8; N]`), macros, and any other single name. The one exception is
/// the error type itself (`top`) written as a single name without arguments (`Result<u32, Big>`,
/// the common case `cargo check` should report): it is trusted unless shaped like a type
/// parameter (`Self`, `T`, `E`, `E2`).
fn nameable_from_nested_item(ty: &Type, top: bool) -> bool {
    match ty {
        Type::Path(path) => {
            path.qself
                .as_ref()
                .is_none_or(|qself| nameable_from_nested_item(&qself.ty, false))
                && path_is_nameable(&path.path, top && path.qself.is_none())
        }
        Type::Paren(paren) => nameable_from_nested_item(&paren.elem, top),
        Type::Group(group) => nameable_from_nested_item(&group.elem, top),
        Type::Reference(reference) => {
            reference.lifetime.as_ref().is_none_or(lifetime_is_nameable)
                && nameable_from_nested_item(&reference.elem, false)
        }
        Type::Ptr(pointer) => nameable_from_nested_item(&pointer.elem, false),
        Type::Slice(slice) => nameable_from_nested_item(&slice.elem, false),
        Type::Array(array) => {
            matches!(array.len, syn::Expr::Lit(_)) && nameable_from_nested_item(&array.elem, false)
        }
        Type::Tuple(tuple) => tuple
            .elems
            .iter()
            .all(|elem| nameable_from_nested_item(elem, false)),
        Type::BareFn(function) => {
            function.lifetimes.is_none()
                && function
                    .inputs
                    .iter()
                    .all(|input| nameable_from_nested_item(&input.ty, false))
                && match &function.output {
                    ReturnType::Default => true,
                    ReturnType::Type(_, output) => nameable_from_nested_item(output, false),
                }
        }
        Type::TraitObject(object) => object.bounds.iter().all(bound_is_nameable),
        Type::Never(_) => true,
        // `impl Trait`, `_`, a macro, tokens syn does not model: unknown.
        _ => false,
    }
}

/// A path in a type (see `nameable_from_nested_item`); `top` for the error type itself.
fn path_is_nameable(path: &syn::Path, top: bool) -> bool {
    /// The prelude's types: like primitives, a parameter of that name would shadow them.
    const PRELUDE: &[&str] = &["String", "Vec", "Box", "Option", "Result"];
    if !path
        .segments
        .iter()
        .all(|segment| arguments_are_nameable(&segment.arguments))
    {
        return false;
    }
    if path.leading_colon.is_some() {
        return true;
    }
    let Some(first) = path.segments.first() else {
        return false;
    };
    let name = first.ident.unraw().to_string();
    if name == "Self" {
        return false;
    }
    if path.segments.len() > 1 {
        // `crate::`, `std::io::`, `errors::`: a module. `T::Error`: a parameter's associated type.
        return matches!(name.as_str(), "crate" | "self" | "super")
            || name.starts_with(|c: char| c.is_lowercase());
    }
    if !first.arguments.is_none()
        || PRIMITIVE_TYPES.contains(&name.as_str())
        || PRELUDE.contains(&name.as_str())
    {
        return true;
    }
    top && !shaped_like_a_parameter(&name)
}

/// The generic arguments of one path segment (see `nameable_from_nested_item`).
fn arguments_are_nameable(arguments: &PathArguments) -> bool {
    match arguments {
        PathArguments::None => true,
        PathArguments::AngleBracketed(arguments) => {
            arguments.args.iter().all(|argument| match argument {
                GenericArgument::Lifetime(lifetime) => lifetime_is_nameable(lifetime),
                GenericArgument::Type(ty) => nameable_from_nested_item(ty, false),
                GenericArgument::Const(expr) => matches!(expr, syn::Expr::Lit(_)),
                GenericArgument::AssocType(assoc) => {
                    assoc.generics.is_none() && nameable_from_nested_item(&assoc.ty, false)
                }
                GenericArgument::AssocConst(assoc) => {
                    assoc.generics.is_none() && matches!(assoc.value, syn::Expr::Lit(_))
                }
                GenericArgument::Constraint(constraint) => {
                    constraint.generics.is_none() && constraint.bounds.iter().all(bound_is_nameable)
                }
                _ => false,
            })
        }
        PathArguments::Parenthesized(arguments) => {
            arguments
                .inputs
                .iter()
                .all(|input| nameable_from_nested_item(input, false))
                && match &arguments.output {
                    ReturnType::Default => true,
                    ReturnType::Type(_, output) => nameable_from_nested_item(output, false),
                }
        }
    }
}

/// A bound in `dyn ..`: a trait's own name is never a type parameter; its arguments may hold one.
fn bound_is_nameable(bound: &syn::TypeParamBound) -> bool {
    match bound {
        syn::TypeParamBound::Trait(bound) => {
            bound.lifetimes.is_none()
                && bound
                    .path
                    .segments
                    .first()
                    .is_some_and(|first| first.ident != "Self")
                && bound
                    .path
                    .segments
                    .iter()
                    .all(|segment| arguments_are_nameable(&segment.arguments))
        }
        syn::TypeParamBound::Lifetime(lifetime) => lifetime_is_nameable(lifetime),
        _ => false,
    }
}

/// `'static` and `'_`: an enclosing item's named lifetime cannot be used in a nested item.
fn lifetime_is_nameable(lifetime: &syn::Lifetime) -> bool {
    lifetime.ident == "static" || lifetime.ident == "_"
}

/// `Self`, or shaped like a type parameter (`T`, `E`, `E2`): up to 2 uppercase letters/digits.
fn shaped_like_a_parameter(name: &str) -> bool {
    name == "Self"
        || (name.len() <= 2
            && name.starts_with(|c: char| c.is_ascii_uppercase())
            && name
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()))
}

/// The wrapper-side handling of one input. `binding` is the user's pattern when the attempt
/// body is inline (no receiver): each attempt binds it; otherwise the value goes to the sibling.
fn hold(
    passing: Passing,
    slot: &Ident,
    param: &TokenStream,
    span_of: &dyn quote::ToTokens,
    attempt: &Ident,
    binding: Option<&Pat>,
) -> Held {
    // Located at the user's argument, resolved like the macro's own locals: a trait error on
    // the argument (not `Clone`) points at the argument.
    let located = span_of.span().resolved_at(Span::mixed_site());
    let value_name = format_ident!("{}_value", slot);
    let (setup, per_attempt, in_future, value, leased) = match passing {
        Passing::Owned => {
            let slot_here = Ident::new(&slot.to_string(), located);
            let attempt_here = Ident::new(&attempt.to_string(), located);
            let take = quote_spanned! {located=>
                ::errguard::__private::arg_for_attempt(&mut #slot_here, #attempt_here)
            };
            (
                quote!(let mut #slot = ::core::option::Option::Some(#param);),
                quote!(let #value_name = #take;),
                TokenStream::new(),
                quote!(#value_name),
                false,
            )
        }
        Passing::Shared => (
            quote!(let #slot = #param;),
            quote!(let #value_name = #slot;),
            TokenStream::new(),
            quote!(#value_name),
            false,
        ),
        Passing::Exclusive => {
            let lease = format_ident!("{}_lease", slot);
            (
                quote! {
                    let #slot = ::errguard::__private::MutSlot::new(#param);
                    let #slot = &#slot;
                },
                quote!(let #lease = #slot.lease();),
                quote!(let mut #lease = #lease;),
                quote!(#lease.get()),
                true,
            )
        }
    };
    let mut held = Held {
        setup,
        per_attempt,
        in_future,
        value,
        leased,
    };
    if let Some(pat) = binding {
        // Inline body: bind the user's pattern where the body can see it.
        let value = &held.value;
        if passing == Passing::Exclusive {
            let in_future = &held.in_future;
            held.in_future = quote! {
                #in_future
                #[allow(clippy::no_effect_underscore_binding)]
                let #pat = #value;
            };
        } else {
            let per_attempt = &held.per_attempt;
            // `_name` patterns are the user's "unused" marker; the binding is the macro's.
            held.per_attempt = quote! {
                #per_attempt
                #[allow(clippy::no_effect_underscore_binding)]
                let #pat = #value;
            };
        }
    }
    held
}

/// `::<T, N>` for the function's own type and const parameters (lifetimes are inferred).
fn turbofish(sig: &Signature) -> TokenStream {
    let params: Vec<TokenStream> = sig
        .generics
        .params
        .iter()
        .filter_map(|param| match param {
            GenericParam::Type(ty) => {
                let ident = &ty.ident;
                Some(quote!(#ident))
            }
            GenericParam::Const(constant) => {
                let ident = &constant.ident;
                Some(quote!(#ident))
            }
            GenericParam::Lifetime(_) => None,
        })
        .collect();
    if params.is_empty() {
        TokenStream::new()
    } else {
        quote!(::<#(#params),*>)
    }
}

/// `#[expect(lints)]` as `#[allow(lints)]`, at the same tokens.
fn expect_as_allow(attr: &Attribute) -> Attribute {
    let mut allow = attr.clone();
    if let syn::Meta::List(list) = &mut allow.meta {
        list.path = syn::Path::from(Ident::new("allow", list.path.segments[0].ident.span()));
    }
    allow
}

/// The original method, renamed and hidden: one attempt.
fn sibling_method(actor: &ActorFn, inner: &Ident, inner_attrs: &[Attribute]) -> TokenStream {
    let item = &actor.item;
    let mut sig = item.sig.clone();
    sig.ident = inner.clone();
    // Attribute patterns are fine here; only `mut` on a receiver-less binding matters and it
    // is the user's own.
    for input in &mut sig.inputs {
        if let FnArg::Typed(PatType { attrs, .. }) = input {
            attrs.retain(|attr| !attr.path().is_ident("doc"));
        }
    }
    let kept: Vec<&Attribute> = item
        .attrs
        .iter()
        .filter(|attr| {
            matches!(attr.style, AttrStyle::Outer)
                && ["cfg", "allow", "warn", "deny", "forbid", "expect"]
                    .iter()
                    .any(|name| attr.path().is_ident(name))
        })
        .collect();
    let block = &item.block;
    quote! {
        #(#kept)*
        #(#inner_attrs)*
        #[doc(hidden)]
        // The wrapper's signature is the user's API; the sibling's is ours (an attempt need not await).
        #[allow(dead_code, clippy::needless_pass_by_ref_mut, clippy::unused_async)]
        #sig #block
    }
}

/// The policy: `RetryPolicy::new()` or the `policy = …` expression, then each given setting.
fn policy_expr(args: &ActorArgs) -> TokenStream {
    let mut expr = match &args.policy {
        Some(setting) => {
            let given = &setting.tokens;
            quote_spanned!(setting.tokens.span()=>
                ::errguard::__private::PolicySource::into_policy(#given))
        }
        None => quote!(::errguard::__private::RetryPolicy::new()),
    };
    let duration = |d: std::time::Duration| {
        let secs = d.as_secs();
        let nanos = d.subsec_nanos();
        quote!(::errguard::__private::Duration::new(#secs, #nanos))
    };
    if let Some(s) = &args.max_retries {
        let v = s.value;
        expr = quote!(#expr.max_retries(#v));
    }
    if let Some(s) = &args.min_backoff {
        let v = duration(s.value);
        expr = quote!(#expr.min_backoff(#v));
    }
    if let Some(s) = &args.max_backoff {
        let v = duration(s.value);
        expr = quote!(#expr.max_backoff(#v));
    }
    if let Some(s) = &args.factor {
        let v = proc_macro2::Literal::f64_suffixed(s.value);
        expr = quote!(#expr.factor(#v));
    }
    if let Some(s) = &args.max_elapsed {
        let v = duration(s.value);
        expr = quote!(#expr.max_elapsed(#v));
    }
    if let Some(s) = &args.timeout {
        let v = duration(s.value);
        expr = quote!(#expr.attempt_timeout(#v));
    }
    if let Some(s) = &args.jitter {
        let v = match s.value {
            JitterKind::None => quote!(None),
            JitterKind::Full => quote!(Full),
            JitterKind::Equal => quote!(Equal),
        };
        expr = quote!(#expr.jitter(::errguard::__private::Jitter::#v));
    }
    if let Some(s) = &args.max_error_heap {
        let v = proc_macro2::Literal::u64_unsuffixed(s.value);
        expr = quote!(#expr.max_error_heap(#v));
    }
    if let Some(s) = &args.max_report_len {
        let v = proc_macro2::Literal::u64_unsuffixed(s.value);
        expr = quote!(#expr.max_report_len(#v));
    }
    if let Some(s) = &args.retry_panics {
        let v = s.value;
        expr = quote!(#expr.retry_panics(#v));
    }
    if let Some(s) = &args.on_oversize {
        let v = match s.value {
            OversizeKind::Retry => quote!(Retry),
            OversizeKind::Fail => quote!(Fail),
        };
        expr = quote!(#expr.on_oversize(::errguard::__private::Oversize::#v));
    }
    expr
}

/// The return type as written, for messages (`Result<(), BigError>`).
fn type_text(ty: &Type) -> String {
    let text = quote!(#ty).to_string();
    // `Result < (), E >` → `Result<(), E>`: close the gaps `to_string` opens.
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == ' ' {
            let next = chars.peek().copied();
            let prev = out.chars().last();
            let glue = matches!(next, Some('<' | '>' | ',' | ':' | ')'))
                || matches!(prev, Some('<' | ':' | '(' | '&'));
            if glue {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::type_text;
    use crate::actor::attr::ActorArgs;
    use crate::actor::valid::{Checked, check_fn};

    fn expanded(item: syn::ItemFn) -> String {
        let Checked::Actor(actor, None) = check_fn(item) else {
            panic!("not an actor");
        };
        super::expand(&actor, &ActorArgs::default()).to_string()
    }

    #[test]
    fn size_check_is_an_item_only_where_cargo_check_can_evaluate_it() {
        // A constant item is evaluated by `cargo check`; an inline `const` block only by a build.
        for item in [
            syn::parse_quote!(
                async fn fetch() -> Result<u32, Big> {
                    Ok(1)
                }
            ),
            // The `Ok` type is not named: it may hold a parameter of an enclosing `impl`.
            syn::parse_quote!(
                async fn fetch() -> Result<Item, Big> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, crate::errors::Wrap<String, [u8; 4], &'static str>>
                {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, Box<dyn std::error::Error + Send + Sync>> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> std::result::Result<u32, ::std::io::Error> {
                    Ok(1)
                }
            ),
        ] {
            let text = expanded(item);
            assert!(
                text.contains("const _ : () = :: errguard :: __private :: check_error_size"),
                "{text}"
            );
        }
        let free = expanded(syn::parse_quote!(
            async fn fetch() -> Result<Item, Big> {
                Ok(1)
            }
        ));
        assert!(free.contains("check_error_size :: < Big >"), "{free}");
        for item in [
            syn::parse_quote!(
                async fn fetch<E>() -> Result<u32, E> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch(&self) -> Result<u32, Big> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, Wrap<T>> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> app::Result<u32> {
                    Ok(1)
                }
            ),
            // What may be an enclosing `impl`'s parameters, whatever their names.
            syn::parse_quote!(
                async fn fetch() -> Result<u32, Oops<Item>> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, crate::Oops<(u8, &'static [Input])>> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, Item::Error> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, <Item as Fallible>::Error> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, Oops<[u8; N]>> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, Oops<'a>> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, Box<dyn Convert<Output>>> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, E> {
                    Ok(1)
                }
            ),
            syn::parse_quote!(
                async fn fetch() -> Result<u32, Self> {
                    Ok(1)
                }
            ),
        ] {
            let text = expanded(item);
            assert!(!text.contains("const _"), "{text}");
            assert!(
                text.contains("const { :: errguard :: __private :: check_error_size"),
                "{text}"
            );
        }
    }

    #[test]
    fn only_an_alias_return_type_gets_the_where_clause() {
        assert!(
            expanded(syn::parse_quote!(
                async fn f() -> app::Result<u8> {
                    Ok(1)
                }
            ))
            .contains("where app :: Result < u8 > : :: errguard :: __private :: ActorResult")
        );
        assert!(
            !expanded(syn::parse_quote!(
                async fn f() -> Result<u8, E> {
                    Ok(1)
                }
            ))
            .contains("where")
        );
        // Elided lifetimes are not allowed in a where-clause.
        assert!(
            !expanded(syn::parse_quote!(
                async fn f(s: &str) -> app::Result<&str> {
                    Ok(s)
                }
            ))
            .contains("where")
        );
    }

    #[test]
    fn readable_type_text() {
        let ty: syn::Type = syn::parse_quote!(std::io::Result<Vec<(u8, u16)>>);
        assert_eq!(type_text(&ty), "std::io::Result<Vec<(u8, u16)>>");
        let ty: syn::Type = syn::parse_quote!(Result<&'static str, Big>);
        assert_eq!(type_text(&ty), "Result<&'static str, Big>");
    }
}
