//! Fast item parsing: tokenise the whole file with `proc-macro2`, cut function bodies (and long
//! `const`/`static` initialisers) out of the token stream, and let `syn` parse only the items.
//!
//! Function bodies are most of a file's tokens; `syn` would build an expression tree for each of
//! them. Here a body stays a token stream: it is scanned for written return types (closures and
//! nested functions) without being parsed. Parsing what is left never recurses deeply: the token
//! tree's depth is measured first and a file nested deeper than [`MAX_DEPTH`] is reported instead
//! of handed to `syn` (which recurses and could overflow the stack).

use std::collections::HashMap;
use std::str::FromStr;

use proc_macro2::{Delimiter, Group, Literal, Spacing, TokenStream, TokenTree};

use crate::ty::Pos;

/// Nesting (groups plus angle brackets) beyond which a file is not handed to `syn`.
pub const MAX_DEPTH: usize = 256;
/// How deep the pre-pass descends into `{ … }` blocks looking for functions.
const MAX_STRIP_DEPTH: usize = 128;
/// `const`/`static` initialisers longer than this (or with any group) are replaced by `0`.
const MAX_INIT_TOKENS: usize = 24;

/// A parsed file: the items with bodies removed, and the removed bodies by the position of their
/// opening brace.
pub struct Parsed {
    /// The items (function bodies are empty blocks).
    pub file: syn::File,
    /// The removed function bodies, keyed by the position of their `{`.
    pub bodies: HashMap<Pos, TokenStream>,
    /// The bodies of `name! { … }` macros that parse as items (after their function bodies are
    /// cut out), as the pre-pass parsed them to decide so, keyed by the position of their `{`.
    pub macro_items: HashMap<Pos, syn::File>,
}

/// Why a file could not be parsed, with the position when known.
#[derive(Debug, Clone)]
pub struct ParseFailure {
    /// Where.
    pub pos: Option<Pos>,
    /// What.
    pub message: String,
}

/// Tokenises `src` and parses its items with function bodies kept as token streams.
pub fn parse_items(src: &str) -> Result<Parsed, ParseFailure> {
    // A UTF-8 byte order mark is not a column: positions on line 1 count from after it.
    let src = blank_shebang(src.strip_prefix('\u{feff}').unwrap_or(src));
    let tokens = TokenStream::from_str(&src).map_err(|e| ParseFailure {
        pos: Some(Pos::of(e.span())),
        message: format!("cannot tokenise: {e}"),
    })?;
    let mut st = Strip {
        bodies: HashMap::new(),
        macro_items: HashMap::new(),
        max_depth: 0,
    };
    let stripped: TokenStream = st.level(tokens, 0).into_iter().collect();
    if st.max_depth > MAX_DEPTH {
        return Err(ParseFailure {
            pos: None,
            message: format!(
                "nested more than {MAX_DEPTH} levels deep outside function bodies; not parsed"
            ),
        });
    }
    let file = syn::parse2::<syn::File>(stripped).map_err(|e| ParseFailure {
        pos: Some(Pos::of(e.span())),
        message: e.to_string(),
    })?;
    Ok(Parsed {
        file,
        bodies: st.bodies,
        macro_items: st.macro_items,
    })
}

/// `[doc = "…"]`, the group of an outer doc comment.
fn is_doc_attr(g: &Group) -> bool {
    matches!(g.stream().into_iter().next(), Some(TokenTree::Ident(i)) if i == "doc")
}

/// A shebang line (`#!/usr/bin/env …`, not `#![attr]`) is blanked so positions stay put. `src`
/// has no byte order mark ([`parse_items`] strips it first).
fn blank_shebang(src: &str) -> std::borrow::Cow<'_, str> {
    if src.starts_with("#!") && !src[2..].trim_start().starts_with('[') {
        let end = src.find('\n').unwrap_or(src.len());
        let mut s = String::with_capacity(src.len());
        s.extend(std::iter::repeat_n(' ', src[..end].chars().count()));
        s.push_str(&src[end..]);
        std::borrow::Cow::Owned(s)
    } else {
        std::borrow::Cow::Borrowed(src)
    }
}

struct Strip {
    bodies: HashMap<Pos, TokenStream>,
    macro_items: HashMap<Pos, syn::File>,
    max_depth: usize,
}

/// Where the pre-pass is within the current item.
#[derive(PartialEq)]
enum State {
    /// Between items or inside an item that needs no special handling.
    Plain,
    /// After `fn name`: the next `{…}` at angle depth 0 is the body.
    FnSig,
    /// After `const NAME` / `static NAME` at item start: waiting for `=`.
    ConstHead,
}

fn is_punct(t: &TokenTree, c: char) -> bool {
    matches!(t, TokenTree::Punct(p) if p.as_char() == c)
}

impl Strip {
    /// Processes one token level (the file, or the inside of a `{…}` block).
    fn level(&mut self, tokens: TokenStream, depth: usize) -> Vec<TokenTree> {
        self.max_depth = self.max_depth.max(depth);
        let toks: Vec<TokenTree> = tokens.into_iter().collect();
        let mut out = Vec::with_capacity(toks.len());
        let mut state = State::Plain;
        let mut angle: usize = 0;
        // Whether the previous token ended an item or an attribute (so `const` starts an item).
        let mut item_start = true;
        let mut it = toks.into_iter().peekable();
        let mut prev_joint_arrow = false; // previous token was a joint `-` or `=`
        let mut prev_bang = false;
        let mut prev_bang_ident = false; // `! ident` just seen (macro_rules! name)
        while let Some(tok) = it.next() {
            let joint_arrow_now = matches!(&tok, TokenTree::Punct(p) if (p.as_char() == '-' || p.as_char() == '=') && p.spacing() == Spacing::Joint);
            let bang_now = matches!(&tok, TokenTree::Punct(p) if p.as_char() == '!' && p.spacing() == Spacing::Alone);
            let was_macro_body = prev_bang || prev_bang_ident;
            // `name! { … }` (not `macro_rules! name { … }`): its body may be items, as in
            // tokio's `cfg_net! { … }`; the indexer parses it as items when it can, so its
            // function bodies are cut out like any others.
            let item_macro_body = prev_bang && !prev_bang_ident;
            prev_bang_ident = prev_bang && matches!(tok, TokenTree::Ident(_));
            prev_bang = bang_now;
            match tok {
                TokenTree::Group(g) => {
                    let is_brace = g.delimiter() == Delimiter::Brace;
                    if is_brace && state == State::FnSig && angle == 0 {
                        let span = g.span();
                        let stream = g.stream();
                        drop(g);
                        self.bodies.insert(Pos::of(span), stream);
                        let mut empty = Group::new(Delimiter::Brace, TokenStream::new());
                        empty.set_span(span);
                        out.push(TokenTree::Group(empty));
                        state = State::Plain;
                        item_start = true;
                        angle = 0;
                    } else if was_macro_body && !(is_brace && item_macro_body) {
                        // Macro input: syn keeps it as tokens; leave it alone.
                        out.push(TokenTree::Group(g));
                        item_start = is_brace;
                        if is_brace {
                            state = State::Plain;
                            angle = 0;
                        }
                    } else if is_brace && depth < MAX_STRIP_DEPTH {
                        let span = g.span();
                        // A macro's input is stripped only if it then parses as items: a DSL
                        // with `fn … { }` in it that is not Rust is kept as written.
                        let outer = was_macro_body.then(|| {
                            (
                                std::mem::take(&mut self.bodies),
                                std::mem::take(&mut self.macro_items),
                            )
                        });
                        let inner: TokenStream =
                            self.level(g.stream(), depth + 1).into_iter().collect();
                        let mut keep = false;
                        if let Some((outer_bodies, outer_items)) = outer {
                            let inner_bodies = std::mem::replace(&mut self.bodies, outer_bodies);
                            let inner_items = std::mem::replace(&mut self.macro_items, outer_items);
                            // Too deep for syn: the file is reported whole (see `parse_items`).
                            if self.max_depth <= MAX_DEPTH {
                                match syn::parse2::<syn::File>(inner.clone()) {
                                    Ok(items) => {
                                        self.macro_items.insert(Pos::of(span), items);
                                    }
                                    Err(_) => keep = true,
                                }
                            }
                            if !keep {
                                self.bodies.extend(inner_bodies);
                                self.macro_items.extend(inner_items);
                            }
                        }
                        if keep {
                            out.push(TokenTree::Group(g));
                        } else {
                            drop(g);
                            let mut ng = Group::new(Delimiter::Brace, inner);
                            ng.set_span(span);
                            out.push(TokenTree::Group(ng));
                        }
                        if state != State::FnSig {
                            state = State::Plain;
                            item_start = true;
                            angle = 0;
                        }
                    } else {
                        let d = depth + 1 + angle + group_depth(&g);
                        self.max_depth = self.max_depth.max(d);
                        let attr = g.delimiter() == Delimiter::Bracket
                            && out
                                .last()
                                .is_some_and(|t| is_punct(t, '#') || is_punct(t, '!'));
                        if attr && is_doc_attr(&g) && out.last().is_some_and(|t| is_punct(t, '#')) {
                            // `///` comments are a large share of real sources (generated SDKs
                            // above all) and say nothing about types: not worth syn's time.
                            out.pop();
                            item_start = true;
                            prev_joint_arrow = false;
                            continue;
                        }
                        out.push(TokenTree::Group(g));
                        if is_brace && state != State::FnSig {
                            state = State::Plain;
                            angle = 0;
                        }
                        item_start = attr || is_brace;
                    }
                    prev_joint_arrow = false;
                    continue;
                }
                TokenTree::Ident(ref i) => {
                    let was_item_start = item_start;
                    item_start = false;
                    if i == "fn" && angle == 0 && state != State::FnSig {
                        if matches!(it.peek(), Some(TokenTree::Ident(_))) {
                            state = State::FnSig;
                        }
                    } else if (i == "const" || i == "static")
                        && angle == 0
                        && state == State::Plain
                        && was_item_start
                        && matches!(it.peek(), Some(TokenTree::Ident(n)) if n != "fn" && n != "unsafe" && n != "async" && n != "extern")
                    {
                        state = State::ConstHead;
                    } else if (i == "pub" || i == "unsafe" || i == "default") && was_item_start {
                        // `pub(crate) const`, `unsafe impl`: still at item start.
                        item_start = true;
                        if i == "pub"
                            && matches!(it.peek(), Some(TokenTree::Group(g)) if g.delimiter() == Delimiter::Parenthesis)
                        {
                            out.push(tok);
                            if let Some(g) = it.next() {
                                out.push(g);
                            }
                            prev_joint_arrow = false;
                            continue;
                        }
                    }
                    out.push(tok);
                }
                TokenTree::Punct(ref p) => {
                    let c = p.as_char();
                    match c {
                        '<' => angle += 1,
                        '>' if !prev_joint_arrow => angle = angle.saturating_sub(1),
                        ';' => {
                            if state != State::FnSig || angle == 0 {
                                state = State::Plain;
                                angle = 0;
                            }
                            item_start = true;
                        }
                        '=' if state == State::ConstHead
                            && angle == 0
                            && p.spacing() == Spacing::Alone
                            && !prev_joint_arrow =>
                        {
                            out.push(tok);
                            self.initializer(&mut it, &mut out);
                            state = State::Plain;
                            item_start = true;
                            prev_joint_arrow = false;
                            continue;
                        }
                        '#' => item_start = true,
                        _ => item_start = false,
                    }
                    self.max_depth = self.max_depth.max(depth + angle);
                    out.push(tok);
                }
                TokenTree::Literal(_) => {
                    item_start = false;
                    out.push(tok);
                }
            }
            prev_joint_arrow = joint_arrow_now;
        }
        out
    }

    /// Copies or replaces a `const`/`static` initialiser, up to and including the `;`.
    fn initializer(
        &mut self,
        it: &mut std::iter::Peekable<std::vec::IntoIter<TokenTree>>,
        out: &mut Vec<TokenTree>,
    ) {
        let mut init = Vec::new();
        let mut semi = None;
        for t in it.by_ref() {
            if is_punct(&t, ';') {
                semi = Some(t);
                break;
            }
            init.push(t);
        }
        let simple = init.len() <= MAX_INIT_TOKENS
            && init.iter().all(|t| match t {
                TokenTree::Group(g) => {
                    g.delimiter() == Delimiter::Parenthesis && group_depth(g) <= 4
                }
                _ => true,
            });
        if simple {
            out.extend(init);
        } else if let Some(first) = init.first() {
            let mut zero = Literal::u8_unsuffixed(0);
            zero.set_span(first.span());
            out.push(TokenTree::Literal(zero));
        }
        if let Some(s) = semi {
            out.push(s);
        }
    }
}

/// The nesting depth of a group (groups plus angle brackets), computed without recursion.
pub fn group_depth(g: &Group) -> usize {
    struct Frame {
        iter: proc_macro2::token_stream::IntoIter,
        base: usize,
        angle: usize,
        prev_joint: bool,
    }
    let mut max = 1;
    let mut stack = vec![Frame {
        iter: g.stream().into_iter(),
        base: 1,
        angle: 0,
        prev_joint: false,
    }];
    while let Some(f) = stack.last_mut() {
        match f.iter.next() {
            None => {
                stack.pop();
            }
            Some(TokenTree::Group(inner)) => {
                let d = f.base + f.angle + 1;
                f.prev_joint = false;
                max = max.max(d);
                stack.push(Frame {
                    iter: inner.stream().into_iter(),
                    base: d,
                    angle: 0,
                    prev_joint: false,
                });
            }
            Some(TokenTree::Punct(p)) => {
                match p.as_char() {
                    '<' => f.angle += 1,
                    '>' if !f.prev_joint => f.angle = f.angle.saturating_sub(1),
                    _ => {}
                }
                max = max.max(f.base + f.angle);
                f.prev_joint = matches!(p.as_char(), '-' | '=') && p.spacing() == Spacing::Joint;
            }
            Some(_) => f.prev_joint = false,
        }
    }
    max
}

/// Tokens that follow `->` inside a body, up to where the type ends.
pub fn collect_type_after_arrow(toks: &[TokenTree], mut i: usize) -> (TokenStream, usize) {
    let mut out = Vec::new();
    let mut angle = 0usize;
    let mut prev_joint = false;
    while i < toks.len() {
        let t = &toks[i];
        match t {
            TokenTree::Group(g) if g.delimiter() == Delimiter::Brace && angle == 0 => break,
            TokenTree::Punct(p) => {
                let c = p.as_char();
                if angle == 0 && (c == ';' || c == ',' || (c == '=' && !prev_joint)) {
                    break;
                }
                match c {
                    '<' => angle += 1,
                    '>' if !prev_joint => {
                        if angle == 0 {
                            break;
                        }
                        angle -= 1
                    }
                    _ => {}
                }
                prev_joint = matches!(c, '-' | '=') && p.spacing() == Spacing::Joint;
            }
            TokenTree::Ident(id) if angle == 0 && id == "where" => break,
            _ => prev_joint = false,
        }
        out.push(t.clone());
        i += 1;
    }
    (out.into_iter().collect(), i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outer_doc_comments_are_dropped_other_attributes_kept() {
        let p = parse_items(
            "//! crate docs stay (inner)\n/// docs\n#[derive(Debug)]\n/// more\npub struct E {\n    /// field docs\n    #[serde(skip)]\n    body: Vec<u8>,\n}\n",
        )
        .unwrap();
        assert_eq!(p.file.attrs.len(), 1, "the inner `//!` doc is not touched");
        let syn::Item::Struct(s) = &p.file.items[0] else {
            panic!("not a struct")
        };
        let names = |attrs: &[syn::Attribute]| -> Vec<String> {
            attrs
                .iter()
                .map(|a| a.path().get_ident().unwrap().to_string())
                .collect()
        };
        assert_eq!(names(&s.attrs), ["derive"]);
        let field = s.fields.iter().next().unwrap();
        assert_eq!(names(&field.attrs), ["serde"]);
        // Positions of what follows are unchanged.
        assert_eq!(
            Pos::of(s.ident.span()),
            Pos {
                line: 5,
                column: 12
            }
        );
    }

    #[test]
    fn bodies_are_cut_out() {
        let p = parse_items(
            "fn a() -> Result<(), E> { let x = ((((1)))); x }\nimpl X { fn b(&self) { loop {} } }\n",
        )
        .unwrap();
        assert_eq!(p.bodies.len(), 2);
        match &p.file.items[0] {
            syn::Item::Fn(f) => assert!(f.block.stmts.is_empty()),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn const_generics_and_initialisers_do_not_confuse_the_pre_pass() {
        let p = parse_items(
            "struct A<const N: usize = 4> { x: [u8; N] }\nconst BIG: [u8; 3] = { let a = [0u8; 3]; a };\nconst N: usize = 4 * 1024;\nstruct B { f: fn(u8) -> u8, g: u8 }\n",
        )
        .unwrap();
        assert_eq!(p.file.items.len(), 4);
    }

    #[test]
    fn lex_errors_have_positions() {
        let e = parse_items("struct A {\n  x: u8,\n").err().unwrap();
        assert!(e.pos.is_some());
        let e = parse_items("struct A {\n  x: u8 u8 }\n").err().unwrap();
        assert_eq!(e.pos.unwrap().line, 2);
    }

    #[test]
    fn deep_nesting_is_reported_not_overflowed() {
        let deep = format!(
            "struct A {{ x: {}u8{} }}",
            "Vec<".repeat(5000),
            ">".repeat(5000)
        );
        assert!(parse_items(&deep).is_err());
        let deep_body = format!("fn f() {{ {}1{} }}", "(".repeat(50_000), ")".repeat(50_000));
        assert!(parse_items(&deep_body).is_ok());
    }

    #[test]
    fn item_macro_bodies_are_stripped_macro_rules_kept() {
        let p = parse_items(
            "cfg_x! { fn a() -> u8 { 1 } }\nmacro_rules! m { () => { fn b() { 2 } } }\n",
        )
        .unwrap();
        // `a`'s body is cut out of the macro input; `macro_rules!` arms are left as written.
        assert_eq!(p.bodies.len(), 1);
        let syn::Item::Macro(m) = &p.file.items[0] else {
            panic!("not a macro")
        };
        assert_eq!(m.mac.tokens.to_string(), "fn a () -> u8 { }");
    }

    #[test]
    fn macro_input_that_is_not_items_is_kept_as_written() {
        // `fn title { … }` is the DSL's, not Rust: stripped, it would not parse as items.
        let src = "view! { fn title { <h1>\"hi\"</h1> } }\ncfg_y! { fn c() { 3 } }\n";
        let p = parse_items(src).unwrap();
        assert_eq!(p.bodies.len(), 1, "only `c`'s body is cut");
        let syn::Item::Macro(m) = &p.file.items[0] else {
            panic!("not a macro")
        };
        assert_eq!(
            m.mac.tokens.to_string(),
            "fn title { < h1 > \"hi\" </ h1 > }"
        );
        let syn::Item::Macro(m) = &p.file.items[1] else {
            panic!("not a macro")
        };
        assert_eq!(m.mac.tokens.to_string(), "fn c () { }");
    }

    #[test]
    fn byte_order_mark_is_not_a_column() {
        let p = parse_items("\u{feff}pub struct Bom;\n").unwrap();
        let syn::Item::Struct(st) = &p.file.items[0] else {
            panic!("not a struct")
        };
        assert_eq!(
            Pos::of(st.ident.span()),
            Pos {
                line: 1,
                column: 12
            }
        );
    }

    #[test]
    fn shebang_is_blanked() {
        let p = parse_items("#!/usr/bin/env run-cargo-script\nstruct A;\n").unwrap();
        assert_eq!(p.file.items.len(), 1);
    }
}
