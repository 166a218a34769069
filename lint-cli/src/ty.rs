//! A compact, owned copy of the parts of a `syn::Type` the rules need: paths with their type
//! arguments, tuples, arrays, references. It outlives the syntax tree (phase 1 drops the AST).

use std::fmt;

use proc_macro2::Span;

/// A position in a source file: 1-based line and 1-based column (in characters).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Pos {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, counted in characters.
    pub column: u32,
}

impl Pos {
    /// The start of a span (needs proc-macro2's `span-locations`).
    pub fn of(span: Span) -> Pos {
        let lc = span.start();
        Pos {
            line: lc.line as u32,
            column: lc.column as u32 + 1,
        }
    }
}

/// A type as written, with the position of its first token.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Ty {
    /// What kind of type.
    pub kind: TyKind,
    /// Where it is written.
    pub pos: Pos,
}

/// The kinds of types the scanner distinguishes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum TyKind {
    /// `a::b::C<T, U>`.
    Path(PathTy),
    /// `(A, B)`; `()` is an empty tuple.
    Tuple(Vec<Ty>),
    /// `[T; N]`.
    Array(Box<Ty>, ArrayLen),
    /// `[T]`.
    Slice(Box<Ty>),
    /// `&T`, `&mut T`: borrowed, not owned.
    Ref(Box<Ty>),
    /// `*const T`, `*mut T`.
    Ptr(Box<Ty>),
    /// `fn(A) -> B`.
    FnPtr,
    /// `dyn A + B`: the trait paths.
    Dyn(Vec<PathTy>),
    /// `impl A + B`.
    Impl(Vec<PathTy>),
    /// `!`.
    Never,
    /// `_`, macros in type position, qualified paths: not analysed.
    Other,
}

/// A path type: segments with their generic type arguments.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PathTy {
    /// `::a::b` (leading colons).
    pub global: bool,
    /// The segments.
    pub segs: Vec<Seg>,
}

/// One path segment.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Seg {
    /// The identifier.
    pub name: String,
    /// Type arguments, in order (lifetimes and const arguments dropped); associated type bindings
    /// (`Output = T`) come after the positional ones.
    pub args: Vec<Ty>,
    /// The number of positional type arguments in `args` (the rest are bindings).
    pub positional: usize,
}

/// The length of an array type.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ArrayLen {
    /// A literal or a constant expression the scanner could evaluate.
    Known(u64),
    /// A path to a constant, resolved later (`[u8; BUF_LEN]`).
    Const(Vec<String>),
    /// Anything else.
    Unknown,
}

impl PathTy {
    /// The last segment.
    pub fn last(&self) -> &Seg {
        self.segs.last().expect("paths have at least one segment")
    }
    /// The segment names.
    pub fn names(&self) -> Vec<String> {
        self.segs.iter().map(|s| s.name.clone()).collect()
    }
    /// The positional type arguments of the last segment.
    pub fn args(&self) -> &[Ty] {
        let last = self.last();
        &last.args[..last.positional]
    }
}

impl Ty {
    /// The path, if this is a path type.
    pub fn as_path(&self) -> Option<&PathTy> {
        match &self.kind {
            TyKind::Path(p) => Some(p),
            _ => None,
        }
    }
    /// `true` for a single-segment path `name` without arguments.
    pub fn is_ident(&self, name: &str) -> bool {
        matches!(&self.kind, TyKind::Path(p) if !p.global && p.segs.len() == 1 && p.segs[0].name == name && p.segs[0].args.is_empty())
    }

    /// Converts a `syn::Type`. `consts` evaluates simple array lengths.
    pub fn from_syn(ty: &syn::Type) -> Ty {
        Self::convert(ty, 0)
    }

    fn convert(ty: &syn::Type, depth: usize) -> Ty {
        use syn::Type;
        use syn::spanned::Spanned;
        if depth > 200 {
            return Ty {
                kind: TyKind::Other,
                pos: Pos::default(),
            };
        }
        let d = depth + 1;
        match ty {
            Type::Path(tp) => {
                let pos = match tp.path.segments.first() {
                    Some(s) => Pos::of(s.ident.span()),
                    None => Pos::default(),
                };
                if tp.qself.is_some() {
                    return Ty {
                        kind: TyKind::Other,
                        pos,
                    };
                }
                Ty {
                    kind: TyKind::Path(PathTy::convert(&tp.path, d)),
                    pos,
                }
            }
            Type::Tuple(t) => Ty {
                kind: TyKind::Tuple(t.elems.iter().map(|e| Self::convert(e, d)).collect()),
                pos: Pos::of(t.paren_token.span.open()),
            },
            Type::Array(a) => Ty {
                kind: TyKind::Array(Box::new(Self::convert(&a.elem, d)), array_len(&a.len)),
                pos: Pos::of(a.bracket_token.span.open()),
            },
            Type::Slice(s) => Ty {
                kind: TyKind::Slice(Box::new(Self::convert(&s.elem, d))),
                pos: Pos::of(s.bracket_token.span.open()),
            },
            Type::Reference(r) => Ty {
                kind: TyKind::Ref(Box::new(Self::convert(&r.elem, d))),
                pos: Pos::of(r.and_token.span),
            },
            Type::Ptr(p) => Ty {
                kind: TyKind::Ptr(Box::new(Self::convert(&p.elem, d))),
                pos: Pos::of(p.star_token.span),
            },
            Type::BareFn(f) => Ty {
                kind: TyKind::FnPtr,
                pos: Pos::of(f.fn_token.span),
            },
            Type::TraitObject(t) => Ty {
                kind: TyKind::Dyn(bounds(&t.bounds, d)),
                pos: Pos::of(t.span()),
            },
            Type::ImplTrait(t) => Ty {
                kind: TyKind::Impl(bounds(&t.bounds, d)),
                pos: Pos::of(t.impl_token.span),
            },
            Type::Never(n) => Ty {
                kind: TyKind::Never,
                pos: Pos::of(n.bang_token.span),
            },
            Type::Paren(p) => Self::convert(&p.elem, d),
            Type::Group(g) => Self::convert(&g.elem, d),
            other => Ty {
                kind: TyKind::Other,
                pos: Pos::of(other.span()),
            },
        }
    }
}

fn bounds(
    b: &syn::punctuated::Punctuated<syn::TypeParamBound, syn::Token![+]>,
    depth: usize,
) -> Vec<PathTy> {
    b.iter()
        .filter_map(|b| match b {
            syn::TypeParamBound::Trait(t) => Some(PathTy::convert(&t.path, depth)),
            _ => None,
        })
        .collect()
}

impl PathTy {
    /// Converts a `syn::Path` (used for types, trait bounds and `impl Trait for`).
    pub fn from_syn(path: &syn::Path) -> PathTy {
        Self::convert(path, 0)
    }

    fn convert(path: &syn::Path, depth: usize) -> PathTy {
        let segs = path
            .segments
            .iter()
            .map(|s| {
                let mut args = Vec::new();
                let mut bindings = Vec::new();
                if let syn::PathArguments::Parenthesized(p) = &s.arguments
                    && let syn::ReturnType::Type(_, out) = &p.output
                {
                    // `Fn(A) -> Result<T, E>`: the output is an associated type binding
                    // (`Output = …`), so its error positions are found like any other.
                    bindings.push(Ty::convert(out, depth + 1));
                }
                if let syn::PathArguments::AngleBracketed(a) = &s.arguments {
                    for arg in &a.args {
                        match arg {
                            syn::GenericArgument::Type(t) => {
                                args.push(Ty::convert(t, depth + 1));
                            }
                            syn::GenericArgument::AssocType(b) => {
                                bindings.push(Ty::convert(&b.ty, depth + 1));
                            }
                            _ => {}
                        }
                    }
                }
                let positional = args.len();
                args.extend(bindings);
                Seg {
                    name: s.ident.to_string(),
                    args,
                    positional,
                }
            })
            .collect();
        PathTy {
            global: path.leading_colon.is_some(),
            segs,
        }
    }
}

/// Evaluates an array length: integer literals, paths to constants, and `+ - * / <<` on them
/// when both sides are literals.
pub fn array_len(e: &syn::Expr) -> ArrayLen {
    match eval(e, 0) {
        Some(n) => ArrayLen::Known(n),
        None => match e {
            syn::Expr::Path(p) if p.qself.is_none() => ArrayLen::Const(
                p.path
                    .segments
                    .iter()
                    .map(|s| s.ident.to_string())
                    .collect(),
            ),
            _ => ArrayLen::Unknown,
        },
    }
}

/// Evaluates a constant integer expression built from literals.
pub fn eval(e: &syn::Expr, depth: usize) -> Option<u64> {
    if depth > 32 {
        return None;
    }
    match e {
        syn::Expr::Lit(l) => match &l.lit {
            syn::Lit::Int(i) => i.base10_parse::<u64>().ok(),
            _ => None,
        },
        syn::Expr::Paren(p) => eval(&p.expr, depth + 1),
        syn::Expr::Group(g) => eval(&g.expr, depth + 1),
        syn::Expr::Block(b) if b.block.stmts.len() == 1 => match &b.block.stmts[0] {
            syn::Stmt::Expr(e, None) => eval(e, depth + 1),
            _ => None,
        },
        syn::Expr::Binary(b) => {
            let l = eval(&b.left, depth + 1)?;
            let r = eval(&b.right, depth + 1)?;
            match b.op {
                syn::BinOp::Add(_) => l.checked_add(r),
                syn::BinOp::Sub(_) => l.checked_sub(r),
                syn::BinOp::Mul(_) => l.checked_mul(r),
                syn::BinOp::Div(_) => l.checked_div(r),
                syn::BinOp::Shl(_) => u32::try_from(r).ok().and_then(|r| l.checked_shl(r)),
                _ => None,
            }
        }
        _ => None,
    }
}

impl fmt::Display for Ty {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            TyKind::Path(p) => write!(f, "{p}"),
            TyKind::Tuple(t) => {
                f.write_str("(")?;
                for (i, e) in t.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{e}")?;
                }
                if t.len() == 1 {
                    f.write_str(",")?;
                }
                f.write_str(")")
            }
            TyKind::Array(e, len) => match len {
                ArrayLen::Known(n) => write!(f, "[{e}; {n}]"),
                ArrayLen::Const(p) => write!(f, "[{e}; {}]", p.join("::")),
                ArrayLen::Unknown => write!(f, "[{e}; _]"),
            },
            TyKind::Slice(e) => write!(f, "[{e}]"),
            TyKind::Ref(e) => write!(f, "&{e}"),
            TyKind::Ptr(e) => write!(f, "*{e}"),
            TyKind::FnPtr => f.write_str("fn(..)"),
            TyKind::Dyn(b) => write_bounds(f, "dyn ", b),
            TyKind::Impl(b) => write_bounds(f, "impl ", b),
            TyKind::Never => f.write_str("!"),
            TyKind::Other => f.write_str("_"),
        }
    }
}

fn write_bounds(f: &mut fmt::Formatter<'_>, kw: &str, b: &[PathTy]) -> fmt::Result {
    f.write_str(kw)?;
    for (i, p) in b.iter().enumerate() {
        if i > 0 {
            f.write_str(" + ")?;
        }
        write!(f, "{p}")?;
    }
    Ok(())
}

impl fmt::Display for PathTy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.global {
            f.write_str("::")?;
        }
        for (i, s) in self.segs.iter().enumerate() {
            if i > 0 {
                f.write_str("::")?;
            }
            f.write_str(&s.name)?;
            if !s.args.is_empty() {
                f.write_str("<")?;
                for (j, a) in s.args.iter().enumerate() {
                    if j > 0 {
                        f.write_str(", ")?;
                    }
                    if j >= s.positional {
                        f.write_str("_ = ")?;
                    }
                    write!(f, "{a}")?;
                }
                f.write_str(">")?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ty(s: &str) -> Ty {
        Ty::from_syn(&syn::parse_str(s).unwrap())
    }

    #[test]
    fn display_round_trips_common_shapes() {
        for s in [
            "Vec<u8>",
            "std::collections::HashMap<String, Vec<u8>>",
            "(KafkaError, OwnedMessage)",
            "[u8; 4096]",
            "Box<dyn Error + Send>",
            "&[u8]",
            "(u8,)",
        ] {
            assert_eq!(ty(s).to_string(), s);
        }
    }

    #[test]
    fn array_lengths_are_evaluated() {
        match ty("[u8; 4 * 1024]").kind {
            TyKind::Array(e, ArrayLen::Known(4096)) => assert!(e.is_ident("u8")),
            other => panic!("{other:?}"),
        }
        match ty("[u8; BUF]").kind {
            TyKind::Array(_, ArrayLen::Const(p)) => assert_eq!(p, ["BUF"]),
            other => panic!("{other:?}"),
        }
    }
}
