//! Phase 1: the compact per-file index. Everything the resolver needs, nothing of the AST.

use std::collections::HashMap;

use proc_macro2::{TokenStream, TokenTree};
use syn::punctuated::Punctuated;

use crate::parse::{self, Parsed};
use crate::ty::{Pos, Ty, TyKind, eval};

/// What one file declares and uses.
#[derive(Debug, Default, Clone)]
pub struct FileIndex {
    /// Struct, enum, union and alias definitions.
    pub defs: Vec<TypeDef>,
    /// `impl Error for T`.
    pub error_impls: Vec<ErrorImpl>,
    /// Types written where errors go: fn signatures, closures, aliases, `type Error = …`.
    pub sites: Vec<Site>,
    /// `use` declarations, flattened.
    pub uses: Vec<UseDecl>,
    /// `mod name;` and `mod name { … }`.
    pub mods: Vec<ModDecl>,
    /// Integer constants (for array lengths).
    pub consts: Vec<ConstDef>,
}

/// A suppression: `#[errguard::allow(rule, …, reason = "…")]` on a type, variant or field, or a
/// `// errguard: allow(rule, …) -- reason` comment on the line directly above one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Allow {
    /// The rule ids as written (`_` normalised to `-`).
    pub rules: Vec<String>,
    /// The reason; `None` when missing or empty (such a suppression suppresses nothing and is
    /// reported).
    pub reason: Option<String>,
    /// Where the attribute (its `#`) or the comment (its `//`) is.
    pub pos: Pos,
    /// Written as a comment rather than an attribute.
    pub comment: bool,
    /// Why the suppression could not be read (a malformed comment), if so.
    pub malformed: Option<String>,
}

/// A type definition.
#[derive(Debug, Clone)]
pub struct TypeDef {
    /// Inline module path within the file.
    pub module: Vec<String>,
    /// The name.
    pub name: String,
    /// Position of the name.
    pub pos: Pos,
    /// Generic type parameters.
    pub generics: Vec<Generic>,
    /// The shape.
    pub body: Body,
    /// Derives an error trait (`Error`, `Snafu`, `Diagnostic`).
    pub error_derive: bool,
    /// Suppressions on the type (attributes and comments).
    pub allows: Vec<Allow>,
}

/// The shape of a definition.
#[derive(Debug, Clone)]
pub enum Body {
    /// A struct (or union): its fields.
    Struct(Vec<Field>),
    /// A union: its fields (size is the largest).
    Union(Vec<Field>),
    /// An enum: its variants.
    Enum(Vec<Variant>),
    /// `type Name = Target;`.
    Alias(Ty),
}

/// An enum variant.
#[derive(Debug, Clone)]
pub struct Variant {
    /// The name.
    pub name: String,
    /// Its fields (empty for a unit variant).
    pub fields: Vec<Field>,
    /// Suppressions on the variant.
    pub allows: Vec<Allow>,
}

/// A field: named, or positional (`.0`).
#[derive(Debug, Clone)]
pub struct Field {
    /// The name, or the index for tuple fields.
    pub name: FieldName,
    /// The type as written.
    pub ty: Ty,
    /// Suppressions on the field.
    pub allows: Vec<Allow>,
}

/// A field's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldName {
    /// `name: T`.
    Named(String),
    /// `.0`.
    Index(usize),
}

impl std::fmt::Display for FieldName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FieldName::Named(n) => f.write_str(n),
            FieldName::Index(i) => write!(f, "{i}"),
        }
    }
}

/// A generic type parameter.
#[derive(Debug, Clone)]
pub struct Generic {
    /// The name.
    pub name: String,
    /// The trait bounds (inline and in the where clause), as paths.
    pub bounds: Vec<Vec<String>>,
    /// The default (`T = Error`).
    pub default: Option<Ty>,
}

/// `impl Error for T`.
#[derive(Debug, Clone)]
pub struct ErrorImpl {
    /// Inline module path within the file.
    pub module: Vec<String>,
    /// The implementing type.
    pub self_ty: Ty,
    /// The impl's generic parameter names.
    pub generics: Vec<String>,
    /// The impl's own type parameters with their bounds (inline and `where`): an
    /// `impl<E: Error> Error for Wrap<E>` bounds `Wrap`'s parameter as an error.
    pub params: Vec<Generic>,
}

/// Where a type that may contain error positions is written.
#[derive(Debug, Clone)]
pub struct Site {
    /// Inline module path within the file.
    pub module: Vec<String>,
    /// The type (a return type, a parameter type, an alias target, an associated type).
    pub ty: Ty,
    /// What kind of place.
    pub kind: SiteKind,
    /// Generic parameter names in scope.
    pub generics: Vec<String>,
    /// The `Self` type in scope.
    pub self_ty: Option<Ty>,
    /// The trait bounds on the generic parameters in scope (`fn f<E: Error>`, `where E: Error`),
    /// as (parameter, bound path). Whether a bound is an error trait is the resolver's to say
    /// ([`crate::resolve::Program::is_error_bound`] follows `use … as` renames).
    pub bounds: Vec<(String, Vec<String>)>,
}

/// The kind of a [`Site`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SiteKind {
    /// A function or method return type (counts as a place that returns the error).
    Return,
    /// A closure's written return type (counts as a place that returns the error).
    Closure,
    /// A parameter type (marks error types; does not count as returning).
    Param,
    /// `type Error = T;` / `type Err = T;` in an impl: `T` is the error.
    Assoc,
}

/// A flattened `use` item: `alias` names `path` (or a glob over `path`).
#[derive(Debug, Clone)]
pub struct UseDecl {
    /// Inline module path within the file.
    pub module: Vec<String>,
    /// The name introduced (`None` for a glob).
    pub alias: Option<String>,
    /// The path as written (`crate`, `self`, `super` kept).
    pub path: Vec<String>,
}

/// `mod name;` or `mod name { … }`.
#[derive(Debug, Clone)]
pub struct ModDecl {
    /// Inline module path of the parent within the file.
    pub module: Vec<String>,
    /// The module's name.
    pub name: String,
    /// `true` when the body is inline.
    pub inline: bool,
    /// `#[path = "…"]`.
    pub path_attr: Option<String>,
}

/// An integer constant.
#[derive(Debug, Clone)]
pub struct ConstDef {
    /// Inline module path within the file.
    pub module: Vec<String>,
    /// The name.
    pub name: String,
    /// The value.
    pub value: u64,
}

/// Builds the index of a parsed file. Bodies are scanned for written return types.
pub fn index(parsed: Parsed) -> FileIndex {
    index_with_comments(parsed, Vec::new())
}

/// [`index`], attaching suppression comments (from [`scan_comments`]) to the type, variant or
/// field that starts on the line below them (a stack of such comments attaches as a whole).
/// Comments attached to nothing are dropped.
pub fn index_with_comments(parsed: Parsed, comments: Vec<(u32, Allow)>) -> FileIndex {
    let Parsed {
        file,
        mut bodies,
        mut macro_items,
    } = parsed;
    let mut ix = Indexer {
        out: FileIndex::default(),
        bodies: &mut bodies,
        macro_items: &mut macro_items,
        module: Vec::new(),
        comments: comments.into_iter().collect(),
    };
    ix.items(&file.items, &[], None);
    ix.out
}

struct Indexer<'b> {
    out: FileIndex,
    bodies: &'b mut HashMap<Pos, TokenStream>,
    /// [`Parsed::macro_items`].
    macro_items: &'b mut HashMap<Pos, syn::File>,
    module: Vec<String>,
    comments: HashMap<u32, Allow>,
}

/// The lines a suppression comment may sit directly above: the first attribute's, and the name's.
fn anchors(attrs: &[syn::Attribute], name_line: u32) -> [u32; 2] {
    let first = attrs
        .first()
        .map(|a| Pos::of(a.pound_token.span).line)
        .unwrap_or(name_line);
    [first, name_line]
}

fn path_names(p: &syn::Path) -> Vec<String> {
    p.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// `Error`, `error::Error`, `std::error::Error`, `core::error::Error`.
fn is_error_trait(p: &syn::Path) -> bool {
    let n = path_names(p);
    let n: Vec<&str> = n.iter().map(String::as_str).collect();
    matches!(
        n.as_slice(),
        ["Error"] | ["error", "Error"] | ["std" | "core", "error", "Error"] | ["StdError"]
    )
}

fn derives_error(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| {
        if a.path().is_ident("cfg_attr") {
            // `#[cfg_attr(feature = "std", derive(thiserror::Error))]`: the derive under any
            // condition (the scan sees every configuration at once).
            let Ok(list) =
                a.parse_args_with(Punctuated::<syn::Meta, syn::Token![,]>::parse_terminated)
            else {
                return false;
            };
            return list.iter().skip(1).any(|m| match m {
                syn::Meta::List(l) if l.path.is_ident("derive") => derive_list_has_error(&l.tokens),
                _ => false,
            });
        }
        if !a.path().is_ident("derive") {
            return false;
        }
        match &a.meta {
            syn::Meta::List(l) => derive_list_has_error(&l.tokens),
            _ => false,
        }
    })
}

/// The inside of `derive(…)` names `Error`, `Snafu` or `Diagnostic`.
fn derive_list_has_error(tokens: &TokenStream) -> bool {
    use syn::parse::Parser;
    let Ok(list) = Punctuated::<syn::Path, syn::Token![,]>::parse_terminated.parse2(tokens.clone())
    else {
        return false;
    };
    list.iter().any(|p| {
        p.segments.last().is_some_and(|s| {
            matches!(
                s.ident.to_string().as_str(),
                "Error" | "Snafu" | "Diagnostic"
            )
        })
    })
}

/// `#[errguard::allow(rule, other-rule, reason = "…")]` attributes. A bare
/// `#[errguard::allow]` (the outer marker that enables nested ones) is not a suppression.
fn allows(attrs: &[syn::Attribute]) -> Vec<Allow> {
    let mut out = Vec::new();
    for a in attrs {
        let names = path_names(a.path());
        if names.last().map(String::as_str) != Some("allow") || names.len() < 2 {
            continue;
        }
        if names[names.len() - 2] != "errguard" {
            continue;
        }
        let syn::Meta::List(list) = &a.meta else {
            continue;
        };
        let mut rules = Vec::new();
        let mut reason = None;
        let mut cur = String::new();
        let mut key: Option<String> = None;
        let mut flush = |cur: &mut String, key: &mut Option<String>| {
            if key.is_none() && !cur.is_empty() {
                rules.push(cur.replace('_', "-"));
            }
            cur.clear();
            *key = None;
        };
        for t in list.tokens.clone() {
            match t {
                TokenTree::Punct(p) if p.as_char() == ',' => flush(&mut cur, &mut key),
                TokenTree::Punct(p) if p.as_char() == '=' => key = Some(std::mem::take(&mut cur)),
                TokenTree::Punct(p) if p.as_char() == '-' => cur.push('-'),
                TokenTree::Ident(i) => cur.push_str(&i.to_string()),
                TokenTree::Literal(l) => {
                    let value = syn::parse_str::<syn::LitStr>(&l.to_string())
                        .map(|s| s.value())
                        .ok();
                    match key.as_deref() {
                        Some("reason") => {
                            reason = value.filter(|v| !v.trim().is_empty());
                        }
                        Some(_) => {}
                        None => cur.push_str(&value.unwrap_or_default()),
                    }
                }
                _ => {}
            }
        }
        flush(&mut cur, &mut key);
        out.push(Allow {
            rules,
            reason,
            pos: Pos::of(a.pound_token.span),
            comment: false,
            malformed: None,
        });
    }
    out
}

/// `// errguard: allow(rule, …) -- reason` comments, by line. Any `//` comment (not a doc
/// comment) whose text starts with `errguard:` is one; one that is not `allow(…)` is recorded as
/// malformed.
pub fn scan_comments(text: &str) -> Vec<(u32, Allow)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let Some(rest) = trimmed.strip_prefix("//") else {
            continue;
        };
        if rest.starts_with('/') || rest.starts_with('!') {
            continue;
        }
        let Some(body) = rest.trim_start().strip_prefix("errguard:") else {
            continue;
        };
        let column = (line.chars().count() - trimmed.chars().count()) as u32 + 1;
        let pos = Pos {
            line: i as u32 + 1,
            column,
        };
        out.push((i as u32 + 1, parse_comment(body.trim(), pos)));
    }
    out
}

fn parse_comment(body: &str, pos: Pos) -> Allow {
    let bad = |why: &str| Allow {
        rules: Vec::new(),
        reason: None,
        pos,
        comment: true,
        malformed: Some(why.to_string()),
    };
    let Some(rest) = body.strip_prefix("allow") else {
        return bad("expected `// errguard: allow(rule) -- reason`");
    };
    let Some(rest) = rest.trim_start().strip_prefix('(') else {
        return bad("expected `(` after `allow`");
    };
    let Some(close) = rest.find(')') else {
        return bad("expected `)` after the rule ids");
    };
    let rules: Vec<String> = rest[..close]
        .split(',')
        .map(|r| r.trim().replace('_', "-"))
        .filter(|r| !r.is_empty())
        .collect();
    if rules.is_empty() {
        return bad("no rule id in `allow()`");
    }
    let after = rest[close + 1..].trim();
    let reason = after
        .strip_prefix("--")
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let malformed = if after.is_empty() || after.starts_with("--") {
        None
    } else {
        Some(format!(
            "unexpected `{after}` after `allow(…)`: write `-- reason`"
        ))
    };
    Allow {
        rules,
        reason,
        pos,
        comment: true,
        malformed,
    }
}

fn generics_of(g: &syn::Generics) -> Vec<Generic> {
    let mut out: Vec<Generic> = g
        .type_params()
        .map(|tp| Generic {
            name: tp.ident.to_string(),
            bounds: tp
                .bounds
                .iter()
                .filter_map(|b| match b {
                    syn::TypeParamBound::Trait(t) => Some(path_names(&t.path)),
                    _ => None,
                })
                .collect(),
            default: tp.default.as_ref().map(Ty::from_syn),
        })
        .collect();
    if let Some(w) = &g.where_clause {
        for pred in &w.predicates {
            if let syn::WherePredicate::Type(pt) = pred {
                let ty = Ty::from_syn(&pt.bounded_ty);
                if let TyKind::Path(p) = &ty.kind
                    && p.segs.len() == 1
                    && let Some(gen_) = out.iter_mut().find(|g| g.name == p.segs[0].name)
                {
                    for b in &pt.bounds {
                        if let syn::TypeParamBound::Trait(t) = b {
                            gen_.bounds.push(path_names(&t.path));
                        }
                    }
                }
            }
        }
    }
    out
}

fn type_names(g: &syn::Generics) -> Vec<String> {
    g.type_params().map(|t| t.ident.to_string()).collect()
}

impl Indexer<'_> {
    /// Attribute suppressions plus the comments directly above `anchors`.
    fn allows_at(&mut self, attrs: &[syn::Attribute], anchors: [u32; 2]) -> Vec<Allow> {
        let mut out = allows(attrs);
        for a in anchors {
            let mut line = a.saturating_sub(1);
            let mut stack = Vec::new();
            while let Some(c) = self.comments.remove(&line) {
                stack.push(c);
                line = line.saturating_sub(1);
            }
            out.extend(stack.into_iter().rev());
        }
        out
    }

    fn fields_of(&mut self, f: &syn::Fields) -> Vec<Field> {
        use syn::spanned::Spanned;
        f.iter()
            .enumerate()
            .map(|(i, f)| {
                let line = match &f.ident {
                    Some(id) => Pos::of(id.span()).line,
                    None => Pos::of(f.ty.span()).line,
                };
                Field {
                    name: match &f.ident {
                        Some(id) => FieldName::Named(id.to_string()),
                        None => FieldName::Index(i),
                    },
                    ty: Ty::from_syn(&f.ty),
                    allows: self.allows_at(&f.attrs, anchors(&f.attrs, line)),
                }
            })
            .collect()
    }

    fn items(&mut self, items: &[syn::Item], outer_generics: &[String], self_ty: Option<&Ty>) {
        for item in items {
            self.item(item, outer_generics, self_ty);
        }
    }

    fn def(&mut self, attrs: &[syn::Attribute], ident: &syn::Ident, g: &syn::Generics, body: Body) {
        let pos = Pos::of(ident.span());
        let allows = self.allows_at(attrs, anchors(attrs, pos.line));
        self.out.defs.push(TypeDef {
            module: self.module.clone(),
            name: ident.to_string(),
            pos,
            generics: generics_of(g),
            body,
            error_derive: derives_error(attrs),
            allows,
        });
    }

    fn type_allows(&mut self, attrs: &[syn::Attribute], ident: &syn::Ident) -> Vec<Allow> {
        self.allows_at(attrs, anchors(attrs, Pos::of(ident.span()).line))
    }

    /// Replaces the allows of the definition just pushed (taken before its fields).
    fn set_allows(&mut self, allows: Vec<Allow>) {
        if let Some(d) = self.out.defs.last_mut() {
            d.allows = allows;
        }
    }

    fn item(&mut self, item: &syn::Item, outer_generics: &[String], self_ty: Option<&Ty>) {
        match item {
            syn::Item::Struct(s) => {
                // The type's own comments are taken first, so a field's anchors never claim them.
                let allows = self.type_allows(&s.attrs, &s.ident);
                let fields = self.fields_of(&s.fields);
                self.def(&s.attrs, &s.ident, &s.generics, Body::Struct(fields));
                self.set_allows(allows);
            }
            syn::Item::Union(u) => {
                let allows = self.type_allows(&u.attrs, &u.ident);
                let fields = self.fields_of(&syn::Fields::Named(u.fields.clone()));
                self.def(&u.attrs, &u.ident, &u.generics, Body::Union(fields));
                self.set_allows(allows);
            }
            syn::Item::Enum(e) => {
                let allows = self.type_allows(&e.attrs, &e.ident);
                let variants = e
                    .variants
                    .iter()
                    .map(|v| {
                        let line = Pos::of(v.ident.span()).line;
                        let allows = self.allows_at(&v.attrs, anchors(&v.attrs, line));
                        Variant {
                            name: v.ident.to_string(),
                            fields: self.fields_of(&v.fields),
                            allows,
                        }
                    })
                    .collect();
                self.def(&e.attrs, &e.ident, &e.generics, Body::Enum(variants));
                self.set_allows(allows);
            }
            syn::Item::Type(t) => {
                let target = Ty::from_syn(&t.ty);
                self.def(&t.attrs, &t.ident, &t.generics, Body::Alias(target));
            }
            syn::Item::Fn(f) => {
                let mut generics = outer_generics.to_vec();
                generics.extend(type_names(&f.sig.generics));
                let from = self.out.sites.len();
                self.sig(&f.sig, &generics, self_ty);
                self.body(f.block.brace_token.span.open(), &generics, self_ty);
                self.bound_sites(from, &f.sig.generics);
            }
            syn::Item::Impl(imp) => {
                let mut generics = outer_generics.to_vec();
                generics.extend(type_names(&imp.generics));
                let st = Ty::from_syn(&imp.self_ty);
                if let Some((bang, path, _)) = &imp.trait_
                    && bang.is_none()
                    && is_error_trait(path)
                {
                    self.out.error_impls.push(ErrorImpl {
                        module: self.module.clone(),
                        self_ty: st.clone(),
                        generics: generics.clone(),
                        params: generics_of(&imp.generics),
                    });
                }
                // `Self::Error` in the impl's signatures is the impl's `type Error = …`.
                let assoc: Vec<(String, Ty)> = imp
                    .items
                    .iter()
                    .filter_map(|ii| match ii {
                        syn::ImplItem::Type(t) => Some((t.ident.to_string(), Ty::from_syn(&t.ty))),
                        _ => None,
                    })
                    .collect();
                let first_site = self.out.sites.len();
                for ii in &imp.items {
                    match ii {
                        syn::ImplItem::Fn(f) => {
                            let mut g = generics.clone();
                            g.extend(type_names(&f.sig.generics));
                            let from = self.out.sites.len();
                            self.sig(&f.sig, &g, Some(&st));
                            self.body(f.block.brace_token.span.open(), &g, Some(&st));
                            self.bound_sites(from, &f.sig.generics);
                        }
                        syn::ImplItem::Type(t)
                            if imp.trait_.is_some() && (t.ident == "Error" || t.ident == "Err") =>
                        {
                            self.site(Ty::from_syn(&t.ty), SiteKind::Assoc, &generics, Some(&st));
                        }
                        _ => {}
                    }
                }
                if !assoc.is_empty() {
                    for site in &mut self.out.sites[first_site..] {
                        replace_self_assoc(&mut site.ty, &assoc, 0);
                    }
                }
                self.bound_sites(first_site, &imp.generics);
            }
            syn::Item::Trait(tr) => {
                let mut generics = outer_generics.to_vec();
                generics.extend(type_names(&tr.generics));
                let first_site = self.out.sites.len();
                for ti in &tr.items {
                    match ti {
                        syn::TraitItem::Fn(f) => {
                            let mut g = generics.clone();
                            g.extend(type_names(&f.sig.generics));
                            let from = self.out.sites.len();
                            self.sig(&f.sig, &g, None);
                            if let Some(b) = &f.default {
                                self.body(b.brace_token.span.open(), &g, None);
                            }
                            self.bound_sites(from, &f.sig.generics);
                        }
                        syn::TraitItem::Type(t) if t.ident == "Error" || t.ident == "Err" => {
                            if let Some((_, ty)) = &t.default {
                                self.site(Ty::from_syn(ty), SiteKind::Assoc, &generics, None);
                            }
                        }
                        _ => {}
                    }
                }
                self.bound_sites(first_site, &tr.generics);
            }
            syn::Item::Mod(m) => {
                let path_attr = m.attrs.iter().find_map(|a| match &a.meta {
                    syn::Meta::NameValue(nv) if nv.path.is_ident("path") => match &nv.value {
                        syn::Expr::Lit(syn::ExprLit {
                            lit: syn::Lit::Str(s),
                            ..
                        }) => Some(s.value()),
                        _ => None,
                    },
                    _ => None,
                });
                self.out.mods.push(ModDecl {
                    module: self.module.clone(),
                    name: m.ident.to_string(),
                    inline: m.content.is_some(),
                    path_attr,
                });
                if let Some((_, items)) = &m.content {
                    self.module.push(m.ident.to_string());
                    self.items(items, &[], None);
                    self.module.pop();
                }
            }
            syn::Item::Use(u) => {
                let mut prefix = Vec::new();
                if u.leading_colon.is_some() {
                    prefix.push(String::new());
                }
                self.use_tree(&u.tree, &mut prefix);
            }
            syn::Item::ExternCrate(ec) => {
                if let Some((_, alias)) = &ec.rename {
                    self.out.uses.push(UseDecl {
                        module: self.module.clone(),
                        alias: Some(alias.to_string()),
                        path: vec![ec.ident.to_string()],
                    });
                }
            }
            syn::Item::Macro(syn::ItemMacro {
                ident: None,
                mac:
                    syn::Macro {
                        delimiter: syn::MacroDelimiter::Brace(brace),
                        tokens,
                        ..
                    },
                ..
            }) => {
                // `cfg_net! { pub struct … }`: most such macros emit their input items
                // unchanged, under a `#[cfg]`. Input that does not parse as items is left alone.
                // The pre-pass has parsed most such bodies already.
                let file = match self.macro_items.remove(&Pos::of(brace.span.open())) {
                    Some(file) => Ok(file),
                    None => syn::parse2::<syn::File>(tokens.clone()),
                };
                if let Ok(file) = file {
                    self.items(&file.items, outer_generics, self_ty);
                }
            }
            syn::Item::Const(c) => {
                if let Some(v) = eval(&c.expr, 0) {
                    self.out.consts.push(ConstDef {
                        module: self.module.clone(),
                        name: c.ident.to_string(),
                        value: v,
                    });
                }
            }
            _ => {}
        }
    }

    fn use_tree(&mut self, t: &syn::UseTree, prefix: &mut Vec<String>) {
        match t {
            syn::UseTree::Path(p) => {
                prefix.push(p.ident.to_string());
                self.use_tree(&p.tree, prefix);
                prefix.pop();
            }
            syn::UseTree::Name(n) => {
                let name = n.ident.to_string();
                let mut path = prefix.clone();
                if name == "self" {
                    let alias = prefix.last().cloned();
                    self.push_use(alias, path);
                } else {
                    path.push(name.clone());
                    self.push_use(Some(name), path);
                }
            }
            syn::UseTree::Rename(r) => {
                let mut path = prefix.clone();
                if r.ident != "self" {
                    path.push(r.ident.to_string());
                }
                let alias = r.rename.to_string();
                if alias != "_" {
                    self.push_use(Some(alias), path);
                }
            }
            syn::UseTree::Glob(_) => self.push_use(None, prefix.clone()),
            syn::UseTree::Group(g) => {
                for t in &g.items {
                    self.use_tree(t, prefix);
                }
            }
        }
    }

    fn push_use(&mut self, alias: Option<String>, path: Vec<String>) {
        if path.is_empty() {
            return;
        }
        self.out.uses.push(UseDecl {
            module: self.module.clone(),
            alias,
            path,
        });
    }

    /// Records the trait bounds of `g`'s parameters on the sites from `from` on.
    fn bound_sites(&mut self, from: usize, g: &syn::Generics) {
        let bounds: Vec<(String, Vec<String>)> = generics_of(g)
            .into_iter()
            .flat_map(|g| {
                let name = g.name;
                g.bounds.into_iter().map(move |b| (name.clone(), b))
            })
            .collect();
        if bounds.is_empty() {
            return;
        }
        for s in &mut self.out.sites[from..] {
            s.bounds.extend(bounds.iter().cloned());
        }
    }

    fn site(&mut self, ty: Ty, kind: SiteKind, generics: &[String], self_ty: Option<&Ty>) {
        self.out.sites.push(Site {
            module: self.module.clone(),
            ty,
            kind,
            generics: generics.to_vec(),
            self_ty: self_ty.cloned(),
            bounds: Vec::new(),
        });
    }

    fn sig(&mut self, sig: &syn::Signature, generics: &[String], self_ty: Option<&Ty>) {
        for input in &sig.inputs {
            if let syn::FnArg::Typed(pt) = input {
                let ty = Ty::from_syn(&pt.ty);
                if mentions_result_like(&ty) {
                    self.site(ty, SiteKind::Param, generics, self_ty);
                }
            }
        }
        if let syn::ReturnType::Type(_, ty) = &sig.output {
            self.site(Ty::from_syn(ty), SiteKind::Return, generics, self_ty);
        }
    }

    /// Scans a removed body for `-> Type` (closures, nested fns).
    fn body(&mut self, open: proc_macro2::Span, generics: &[String], self_ty: Option<&Ty>) {
        let Some(ts) = self.bodies.remove(&Pos::of(open)) else {
            return;
        };
        let mut found = Vec::new();
        scan_arrows(ts, 0, &mut found);
        for ty in found {
            self.site(ty, SiteKind::Closure, generics, self_ty);
        }
    }
}

/// Replaces `Self::Name` with the impl's `type Name = T;` (one level: `T` is not rewritten).
fn replace_self_assoc(ty: &mut Ty, assoc: &[(String, Ty)], depth: usize) {
    if depth > 64 {
        return;
    }
    let d = depth + 1;
    match &mut ty.kind {
        TyKind::Path(p) => {
            if !p.global
                && p.segs.len() == 2
                && p.segs[0].name == "Self"
                && p.segs[0].args.is_empty()
                && p.segs[1].args.is_empty()
                && let Some((_, t)) = assoc.iter().find(|(n, _)| *n == p.segs[1].name)
            {
                *ty = t.clone();
                return;
            }
            for seg in &mut p.segs {
                for a in &mut seg.args {
                    replace_self_assoc(a, assoc, d);
                }
            }
        }
        TyKind::Tuple(es) => es.iter_mut().for_each(|e| replace_self_assoc(e, assoc, d)),
        TyKind::Array(e, _) | TyKind::Slice(e) | TyKind::Ref(e) | TyKind::Ptr(e) => {
            replace_self_assoc(e, assoc, d)
        }
        TyKind::Dyn(bs) | TyKind::Impl(bs) => {
            for b in bs {
                for seg in &mut b.segs {
                    for a in &mut seg.args {
                        replace_self_assoc(a, assoc, d);
                    }
                }
            }
        }
        _ => {}
    }
}

/// A parameter type matters only if it contains some path (it may be a `Result` alias).
fn mentions_result_like(ty: &Ty) -> bool {
    match &ty.kind {
        TyKind::Path(p) => p.segs.iter().any(|s| s.name.contains("Result")),
        _ => false,
    }
}

/// Finds `-> Type` in a token stream (closure and nested fn return types), without recursing
/// more than a fixed depth.
fn scan_arrows(ts: TokenStream, depth: usize, found: &mut Vec<Ty>) {
    if depth > 64 {
        return;
    }
    let toks: Vec<TokenTree> = ts.into_iter().collect();
    let mut i = 0;
    while i < toks.len() {
        match &toks[i] {
            TokenTree::Group(g) => {
                scan_arrows(g.stream(), depth + 1, found);
            }
            TokenTree::Punct(p)
                if p.as_char() == '-'
                    && p.spacing() == proc_macro2::Spacing::Joint
                    && matches!(toks.get(i + 1), Some(TokenTree::Punct(q)) if q.as_char() == '>') =>
            {
                let (tys, end) = parse::collect_type_after_arrow(&toks, i + 2);
                if let Ok(ty) = syn::parse2::<syn::Type>(tys) {
                    found.push(Ty::from_syn(&ty));
                }
                i = end.max(i + 2);
                continue;
            }
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ix(src: &str) -> FileIndex {
        index(parse::parse_items(src).unwrap())
    }

    #[test]
    fn finds_defs_impls_sites_uses() {
        let f = ix(r#"
            use std::io::{self, Read as R};
            use crate::a::*;
            #[derive(Debug, thiserror::Error)]
            #[errguard::allow(heap-buffer, reason = "bounded")]
            pub enum E { A(Vec<u8>), B { body: String } }
            struct S<T: std::error::Error>(T) where T: Send;
            impl std::error::Error for S<u8> {}
            impl TryFrom<u8> for S<u8> { type Error = E; fn try_from(x: u8) -> Result<Self, E> { let c = |x: u8| -> Result<u8, Other> { Ok(x) }; todo!() } }
            type Res<T> = Result<T, E>;
            mod inner { pub const N: usize = 4 * 1024; }
            mod file;
        "#);
        assert_eq!(f.defs.len(), 3);
        assert!(f.defs[0].error_derive);
        assert_eq!(f.defs[0].allows[0].rules, ["heap-buffer"]);
        assert_eq!(f.defs[0].allows[0].reason.as_deref(), Some("bounded"));
        assert_eq!(f.defs[1].generics[0].bounds.len(), 2);
        assert_eq!(f.error_impls.len(), 1);
        let kinds: Vec<SiteKind> = f.sites.iter().map(|s| s.kind).collect();
        assert_eq!(
            kinds,
            [SiteKind::Assoc, SiteKind::Return, SiteKind::Closure]
        );
        assert_eq!(f.sites[2].ty.to_string(), "Result<u8, Other>");
        assert_eq!(f.uses.len(), 3);
        assert_eq!(f.uses[0].alias.as_deref(), Some("io"));
        assert_eq!(f.uses[1].alias.as_deref(), Some("R"));
        assert!(f.uses[2].alias.is_none());
        assert_eq!(f.consts[0].value, 4096);
        assert_eq!(f.mods.len(), 2);
        assert!(!f.mods[1].inline);
    }

    fn ix_text(src: &str) -> FileIndex {
        index_with_comments(parse::parse_items(src).unwrap(), scan_comments(src))
    }

    #[test]
    fn allows_on_variants_fields_and_comments() {
        let f = ix_text(
            "// errguard: allow(large-inline) -- built once\n\
             #[derive(Debug)]\n\
             #[errguard::allow]\n\
             pub enum E {\n\
                 #[errguard::allow(heap_buffer, reason = \"capped\")]\n\
                 A(Vec<u8>),\n\
                 B {\n\
                     // errguard: allow(heap-buffer, generic-payload) -- test only\n\
                     body: String,\n\
                     // errguard: allow(heap-buffer)\n\
                     raw: String,\n\
                 },\n\
             }\n\
             // errguard: allow(heap-buffer) -- nothing below\n\
             \n\
             // errguard: nonsense\n\
             struct S;\n",
        );
        let e = &f.defs[0];
        assert_eq!(e.allows.len(), 1);
        assert!(e.allows[0].comment);
        assert_eq!(e.allows[0].pos, Pos { line: 1, column: 1 });
        let Body::Enum(vs) = &e.body else { panic!() };
        assert_eq!(vs[0].allows[0].rules, ["heap-buffer"]);
        assert_eq!(vs[0].allows[0].pos.line, 5);
        let fs = &vs[1].fields;
        assert_eq!(fs[0].allows[0].rules, ["heap-buffer", "generic-payload"]);
        assert_eq!(fs[0].allows[0].reason.as_deref(), Some("test only"));
        assert_eq!(fs[1].allows[0].reason, None);
        assert!(fs[1].allows[0].malformed.is_none());
        let s = &f.defs[1];
        assert_eq!(
            s.allows.len(),
            1,
            "the comment separated by a blank line is dropped"
        );
        assert!(s.allows[0].malformed.is_some());
    }
}
