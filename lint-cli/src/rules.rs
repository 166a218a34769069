//! The rules: which types are error types, and what each rule finds in them.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use crate::index::{Allow, Body, FieldName, SiteKind};
use crate::known::Owns;
use crate::resolve::{Bind, DefId, Node, Program, Scope, Size, Sizer};
use crate::ty::{Pos, Ty, TyKind};

/// A rule, by its stable kebab-case id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Rule {
    /// The error owns a byte buffer or a payload.
    HeapBuffer,
    /// The error keeps a type parameter by value.
    GenericPayload,
    /// The error's inline size is over the limit.
    LargeInline,
    /// The error owns a growable collection of other elements (off by default).
    UnboundedCollection,
    /// A suppression (attribute, comment or config `ignore` entry) that suppresses nothing, or
    /// that cannot be used (no reason, unknown rule id, malformed comment).
    UnusedAllow,
}

impl Rule {
    /// Every rule.
    pub const ALL: [Rule; 5] = [
        Rule::HeapBuffer,
        Rule::GenericPayload,
        Rule::LargeInline,
        Rule::UnboundedCollection,
        Rule::UnusedAllow,
    ];

    /// The stable id.
    pub fn id(self) -> &'static str {
        match self {
            Rule::HeapBuffer => "heap-buffer",
            Rule::GenericPayload => "generic-payload",
            Rule::LargeInline => "large-inline",
            Rule::UnboundedCollection => "unbounded-collection",
            Rule::UnusedAllow => "unused-allow",
        }
    }

    /// The level a rule has unless configured.
    pub fn default_level(self) -> Level {
        match self {
            Rule::HeapBuffer | Rule::GenericPayload => Level::Deny,
            Rule::LargeInline | Rule::UnusedAllow => Level::Warn,
            Rule::UnboundedCollection => Level::Allow,
        }
    }

    /// One line on how to fix a finding of this rule.
    pub fn help(self) -> &'static str {
        match self {
            Rule::HeapBuffer => {
                "keep a bounded summary instead (length, status, the first few hundred bytes); hand the buffer back to the caller separately if it is needed"
            }
            Rule::GenericPayload => {
                "return the payload to the caller beside the error, or bound the parameter (`T: Error`) if it is an error source"
            }
            Rule::LargeInline => {
                "box the large variant or field (`Box<Big>`), or the whole error (`Box<ErrorKind>`)"
            }
            Rule::UnboundedCollection => {
                "cap the collection when the error is built, or keep only a count and the first few entries"
            }
            Rule::UnusedAllow => {
                "remove the suppression, or fix it (rule id, `reason`, placement directly above the type, variant or field)"
            }
        }
    }

    /// Where the rule is documented.
    pub fn doc_path(self) -> String {
        format!("docs/rules/{}.md", self.id())
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl FromStr for Rule {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let norm = s.replace('_', "-");
        Rule::ALL
            .into_iter()
            .find(|r| r.id() == norm)
            .ok_or_else(|| {
                let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
                format!("unknown rule `{s}` (rules: {})", ids.join(", "))
            })
    }
}

/// A rule's level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Level {
    /// Not checked.
    Allow,
    /// Reported; does not fail the run.
    Warn,
    /// Reported; fails the run (exit code 1).
    Deny,
}

impl Level {
    /// `allow`, `warn`, `deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allow => "allow",
            Level::Warn => "warn",
            Level::Deny => "deny",
        }
    }
}

/// What the analysis needs to know.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Inline size limit in bytes (over the limit: size > limit). Also the length over which a
    /// `[u8; N]` counts as a buffer.
    pub max_error_size: u64,
}

/// One finding before it is attached to a file path and a level.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawFinding {
    /// The rule.
    pub rule: Rule,
    /// The file index in the program.
    pub file: usize,
    /// Where.
    pub pos: Pos,
    /// The error type's name, or the type as written.
    pub type_name: String,
    /// The message.
    pub message: String,
    /// The chain from the error type to what the rule found.
    pub chain: Vec<String>,
    /// `chain` without size estimates (`E.s: Stats`, shown as `E.s: Stats (160 bytes)`): what
    /// the fingerprint hashes, so a size estimate changing keeps it.
    pub bare_chain: Vec<String>,
    /// How many places return the error.
    pub returned_by: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum RootKey {
    Def(DefId),
    Written(usize, Pos),
    /// A generic definition with concrete arguments, by [`Program::def_key`].
    Instance(String),
}

struct Root {
    name: String,
    file: usize,
    pos: Pos,
    /// For written roots: the type and its scope.
    written: Option<(Ty, Scope)>,
    /// For instantiations: the definition and the scope binding its arguments.
    instance: Option<(DefId, Scope)>,
    /// For written roots: the alias's suppressions (definitions carry their own).
    allows: Vec<AllowKey>,
    /// For definitions: the module path and the name, for `ignore` entries.
    path: Vec<String>,
    returned_by: usize,
}

/// One rule of one suppression: the file, the position of the attribute or comment, the rule.
pub type AllowKey = (usize, Pos, Rule);

/// The usable rules of a suppression (with a reason, well-formed, known rule ids).
pub fn allow_keys(file: usize, a: &Allow) -> Vec<AllowKey> {
    if a.reason.is_none() || a.malformed.is_some() {
        return Vec::new();
    }
    a.rules
        .iter()
        .filter_map(|r| r.parse::<Rule>().ok())
        .map(|r| (file, a.pos, r))
        .collect()
}

/// Whether a config `ignore` path names a type with this module path and name: the entry
/// (without a leading `crate`) is a suffix of the type's path, or is the type's path behind a
/// crate name.
pub fn ignore_matches(entry: &[String], path: &[String], name: &str) -> bool {
    let entry = match entry.first().map(String::as_str) {
        Some("crate") => &entry[1..],
        _ => entry,
    };
    if entry.is_empty() {
        return false;
    }
    if path.is_empty() {
        return entry.len() == 1 && entry[0] == name || entry.join("::") == name;
    }
    path.ends_with(entry) || (entry.len() > 1 && entry[1..] == *path)
}

/// What [`analyse`] found: the findings (with `unused-allow` ones for the suppressions in the
/// source) and which config `ignore` entries were used.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The findings.
    pub findings: Vec<RawFinding>,
    /// Indexes of the `ignore` entries that suppressed a finding.
    pub used_ignores: HashSet<usize>,
    /// Types visited by the walks and the size estimates together: bounded by the number of
    /// error types times the per-type budgets, whatever the source.
    pub steps: u64,
    /// The roots analysed (error types and error positions), each with its own budgets.
    pub roots: usize,
}

/// Runs the enabled rules over the program. `ignores` are the config's `ignore` entries, as
/// paths; the suppressions in the source are applied and checked for use.
pub fn analyse(
    prog: &Program,
    enabled: &HashSet<Rule>,
    limits: &Limits,
    ignores: &[Vec<String>],
) -> Analysis {
    let (roots, impl_bounds) = find_roots(prog);
    let mut sizer = Sizer::new(prog);
    let mut out = Vec::new();
    let mut used: HashSet<AllowKey> = HashSet::new();
    let mut used_ignores = HashSet::new();
    let mut steps = 0u64;
    let mut analysed = 0;
    let mut def_rules: HashMap<DefId, HashSet<Rule>> = HashMap::new();
    let keep_walking = prog.files.iter().any(|f| {
        f.index.defs.iter().any(|d| {
            !d.allows.is_empty()
                || match &d.body {
                    Body::Struct(fs) | Body::Union(fs) => fs.iter().any(|f| !f.allows.is_empty()),
                    Body::Enum(vs) => vs.iter().any(|v| {
                        !v.allows.is_empty() || v.fields.iter().any(|f| !f.allows.is_empty())
                    }),
                    Body::Alias(_) => false,
                }
        })
    });
    for (key, root) in roots {
        let allowed = |r: Rule| enabled.contains(&r);
        let ignored: Vec<usize> = ignores
            .iter()
            .enumerate()
            .filter(|(_, e)| ignore_matches(e, &root.path, &root.name))
            .map(|(i, _)| i)
            .collect();
        let (scope, what) = match (&key, &root.written) {
            (RootKey::Def(id), _) => {
                let bounded = impl_bounds.get(id).map_or(&[][..], Vec::as_slice);
                (prog.root_scope_bounded(*id, bounded), Start::Def(*id))
            }
            (RootKey::Written(..), Some((t, s))) => (s.clone(), Start::Ty(t.clone())),
            (RootKey::Instance(_), _) => match &root.instance {
                Some((id, s)) => (s.clone(), Start::Def(*id)),
                None => continue,
            },
            _ => continue,
        };
        analysed += 1;
        let mut w = Walker {
            prog,
            limits,
            visited: HashSet::new(),
            visited_ty: HashSet::new(),
            steps: 0,
            heap: None,
            generic: None,
            coll: None,
            active: root.allows.clone(),
            used: &mut used,
            keep_walking,
        };
        let mut chain = Vec::new();
        match &what {
            Start::Def(id) => w.walk_def(*id, &scope, &mut chain, 0),
            Start::Ty(t) => w.walk(t, &scope, None, &mut chain, 0),
        }
        steps += w.steps as u64;
        let (heap, generic, coll) = (w.heap.take(), w.generic.take(), w.coll.take());
        let mut found = Vec::new();
        // `bare_chain`: the chain without size estimates, when it has any.
        let mut mk =
            |rule: Rule, message: String, chain: Vec<String>, bare_chain: Option<Vec<String>>| {
                let bare_chain = bare_chain.unwrap_or_else(|| chain.clone());
                found.push(RawFinding {
                    rule,
                    file: root.file,
                    pos: root.pos,
                    type_name: root.name.clone(),
                    message,
                    chain,
                    bare_chain,
                    returned_by: root.returned_by,
                })
            };
        let name = &root.name;
        if allowed(Rule::HeapBuffer)
            && let Some((what, chain)) = heap
        {
            mk(
                Rule::HeapBuffer,
                format!("error type `{name}` holds a heap buffer: {what}"),
                nonempty(chain, &what),
                None,
            );
        }
        if allowed(Rule::GenericPayload)
            && let Some((param, chain)) = generic
        {
            mk(
                Rule::GenericPayload,
                format!(
                    "error type `{name}` keeps a value of type parameter `{param}`: it carries whatever payload it is given"
                ),
                nonempty(chain, &param),
                None,
            );
        }
        if allowed(Rule::UnboundedCollection)
            && let Some((what, chain)) = coll
        {
            mk(
                Rule::UnboundedCollection,
                format!("error type `{name}` holds an unbounded collection: {what}"),
                nonempty(chain, &what),
                None,
            );
        }
        if allowed(Rule::LargeInline) {
            sizer.reset_budget();
            let mut through = root.allows.clone();
            let (size, chain) = match &what {
                Start::Def(id) => {
                    let s = sizer.size_def(*id, &scope, 0);
                    (
                        s,
                        biggest_chain(prog, &mut sizer, *id, &scope, 0, &mut through),
                    )
                }
                Start::Ty(t) => (sizer.size(t, &scope, 0), vec![(format!("{t}"), None)]),
            };
            let suppressed: Vec<AllowKey> = through
                .into_iter()
                .filter(|k| k.2 == Rule::LargeInline)
                .collect();
            if size.bytes > limits.max_error_size && !suppressed.is_empty() {
                used.extend(suppressed);
            } else if size.bytes > limits.max_error_size {
                let n = size.bytes;
                let (wording, chain) = size_wording(size, chain);
                let (shown, bare) = chain
                    .into_iter()
                    .map(|(step, note)| match note {
                        Some(note) => (format!("{step} ({note})"), step),
                        None => (step.clone(), step),
                    })
                    .unzip();
                mk(
                    Rule::LargeInline,
                    format!(
                        "error type `{name}` is {wording} {n} bytes inline (limit {}, estimated for 64-bit targets)",
                        limits.max_error_size
                    ),
                    shown,
                    Some(bare),
                );
            }
        }
        // An instantiation adds only what its definition, analysed on its own, does not
        // already report (what its concrete arguments bring).
        match (&key, &root.instance) {
            (RootKey::Def(id), _) => {
                def_rules
                    .entry(*id)
                    .or_default()
                    .extend(found.iter().map(|f| f.rule));
            }
            (RootKey::Instance(_), Some((id, _))) => {
                let own = def_rules.get(id);
                found.retain(|f| own.is_none_or(|r| !r.contains(&f.rule)));
            }
            _ => {}
        }
        if !found.is_empty() && !ignored.is_empty() {
            used_ignores.extend(ignored);
        } else {
            out.extend(found);
        }
    }
    if enabled.contains(&Rule::UnusedAllow) {
        unused_allows(prog, enabled, &used, &mut out);
    }
    out.sort_by_key(|a| (a.file, a.pos, a.rule));
    Analysis {
        findings: out,
        used_ignores,
        steps: steps + sizer.total_steps(),
        roots: analysed,
    }
}

/// `unused-allow` findings for the suppressions in the source that suppressed nothing or
/// cannot be used. Suppressions of rules that are off are not checked (nothing ran to use them).
fn unused_allows(
    prog: &Program,
    enabled: &HashSet<Rule>,
    used: &HashSet<AllowKey>,
    out: &mut Vec<RawFinding>,
) {
    for (fi, f) in prog.files.iter().enumerate() {
        for d in &f.index.defs {
            let mut places: Vec<(String, &Allow)> =
                d.allows.iter().map(|a| (d.name.clone(), a)).collect();
            fn fields<'a>(owner: &str, fs: &'a [crate::index::Field]) -> Vec<(String, &'a Allow)> {
                fs.iter()
                    .flat_map(|f| {
                        f.allows
                            .iter()
                            .map(move |a| (format!("{owner}.{}", f.name), a))
                    })
                    .collect()
            }
            match &d.body {
                Body::Struct(fs) | Body::Union(fs) => places.extend(fields(&d.name, fs)),
                Body::Enum(vs) => {
                    for v in vs {
                        let owner = format!("{}::{}", d.name, v.name);
                        places.extend(v.allows.iter().map(|a| (owner.clone(), a)));
                        places.extend(fields(&owner, &v.fields));
                    }
                }
                Body::Alias(_) => {}
            }
            for (owner, a) in places {
                let what = if a.comment {
                    "`// errguard: allow(…)`"
                } else {
                    "`#[errguard::allow(…)]`"
                };
                let mut report = |message: String| {
                    out.push(RawFinding {
                        rule: Rule::UnusedAllow,
                        file: fi,
                        pos: a.pos,
                        type_name: owner.clone(),
                        message,
                        chain: Vec::new(),
                        bare_chain: Vec::new(),
                        returned_by: 0,
                    })
                };
                if let Some(why) = &a.malformed {
                    report(format!(
                        "{what} on `{owner}` cannot be read ({why}); it suppresses nothing"
                    ));
                    continue;
                }
                if a.reason.is_none() {
                    let how = if a.comment {
                        "write `-- reason` after `allow(…)`"
                    } else {
                        "add `reason = \"…\"`"
                    };
                    report(format!(
                        "{what} on `{owner}` has no reason, so it suppresses nothing: {how}"
                    ));
                    continue;
                }
                for r in &a.rules {
                    match r.parse::<Rule>() {
                        Err(e) => {
                            report(format!("{what} on `{owner}`: {e}; it suppresses nothing"))
                        }
                        Ok(Rule::UnusedAllow) => {}
                        Ok(rule) if !enabled.contains(&rule) => {}
                        Ok(rule) if used.contains(&(fi, a.pos, rule)) => {}
                        Ok(rule) => report(format!(
                            "{what} for `{rule}` on `{owner}` suppresses nothing: no `{rule}` finding goes through it"
                        )),
                    }
                }
            }
        }
    }
}

fn size_wording<T>(size: Size, chain: Vec<T>) -> (&'static str, Vec<T>) {
    (if size.exact { "about" } else { "at least" }, chain)
}

fn nonempty(chain: Vec<String>, what: &str) -> Vec<String> {
    if chain.is_empty() {
        vec![what.to_string()]
    } else {
        chain
    }
}

enum Start {
    Def(DefId),
    Ty(Ty),
}

/// A large-inline chain step (`E.s: Stats`) and its size note (`160 bytes`), if any.
type SizedStep = (String, Option<String>);

/// The biggest field at each level, for the large-inline chain: each step (`E.s: Stats`) with
/// its size note (`160 bytes`, `at least 160 bytes`).
fn biggest_chain(
    prog: &Program,
    sizer: &mut Sizer<'_>,
    id: DefId,
    scope: &Scope,
    depth: usize,
    through: &mut Vec<AllowKey>,
) -> Vec<SizedStep> {
    let d = prog.def(id);
    let file = prog.defs[id].file;
    for a in &d.allows {
        through.extend(allow_keys(file, a));
    }
    if depth > 4 {
        return Vec::new();
    }
    let mut best: Option<(u64, SizedStep, Ty, Vec<Allow>)> = None;
    let mut consider =
        |owner: String, f: &crate::index::Field, variant: &[Allow], sizer: &mut Sizer<'_>| {
            let s = sizer.size(&f.ty, scope, 1);
            if best.as_ref().is_none_or(|(b, ..)| s.bytes > *b) {
                let approx = if s.exact { "" } else { "at least " };
                best = Some((
                    s.bytes,
                    (
                        format!("{owner}.{}: {}", f.name, f.ty),
                        Some(format!("{approx}{} bytes", s.bytes)),
                    ),
                    f.ty.clone(),
                    variant.iter().chain(&f.allows).cloned().collect(),
                ));
            }
        };
    match &d.body {
        Body::Struct(fields) | Body::Union(fields) => {
            for f in fields {
                consider(d.name.clone(), f, &[], sizer);
            }
        }
        Body::Enum(vs) => {
            for v in vs {
                for f in &v.fields {
                    consider(format!("{}::{}", d.name, v.name), f, &v.allows, sizer);
                }
            }
        }
        Body::Alias(_) => {}
    }
    let Some((_, link, ty, allows)) = best else {
        return Vec::new();
    };
    for a in &allows {
        through.extend(allow_keys(file, a));
    }
    let mut chain = vec![link];
    if let Node::Def(inner, args) = prog.node(&ty, scope)
        && inner != id
    {
        let s = prog.def_scope(inner, &args);
        chain.extend(biggest_chain(prog, sizer, inner, &s, depth + 1, through));
    }
    chain
}

struct Walker<'p> {
    prog: &'p Program,
    limits: &'p Limits,
    visited: HashSet<(DefId, String)>,
    visited_ty: HashSet<String>,
    steps: usize,
    heap: Option<(String, Vec<String>)>,
    generic: Option<(String, Vec<String>)>,
    coll: Option<(String, Vec<String>)>,
    /// The suppressions on the way from the root to the current field.
    active: Vec<AllowKey>,
    /// Suppressions that suppressed something.
    used: &'p mut HashSet<AllowKey>,
    /// The scan has suppressions: do not stop at the first finding of each rule.
    keep_walking: bool,
}

/// How many types one error type's walk may visit before it stops (what it found so far stands).
pub const MAX_STEPS: usize = 20_000;

impl Walker<'_> {
    fn done(&self) -> bool {
        // With suppressions in the scan, every path is walked so that each one is marked used.
        !self.keep_walking && self.heap.is_some() && self.generic.is_some() && self.coll.is_some()
            || self.steps > MAX_STEPS
    }

    /// Whether a suppression on the current path covers `rule` (and marks it used).
    fn suppressed(&mut self, rule: Rule) -> bool {
        let mut any = false;
        for k in &self.active {
            if k.2 == rule {
                self.used.insert(*k);
                any = true;
            }
        }
        any
    }

    fn hit_heap(&mut self, what: String, chain: &[String]) {
        if !self.suppressed(Rule::HeapBuffer) && self.heap.is_none() {
            self.heap = Some((what, chain.to_vec()));
        }
    }

    fn hit_coll(&mut self, what: String, chain: &[String]) {
        if !self.suppressed(Rule::UnboundedCollection) && self.coll.is_none() {
            self.coll = Some((what, chain.to_vec()));
        }
    }

    fn walk_def(&mut self, id: DefId, scope: &Scope, chain: &mut Vec<String>, depth: usize) {
        // Keyed on the instantiation (arguments substituted through every scope), so
        // `Pair<Pair<T>>` walks both levels and a nest that never repeats is cut by its size.
        // An instantiation too large to key is walked unmemoised, still under the step budget
        // and the depth limit.
        let key_args = self.prog.def_key(id, scope);
        let d = self.prog.def(id);
        let file = self.prog.defs[id].file;
        let outer = self.active.len();
        for a in &d.allows {
            self.active.extend(allow_keys(file, a));
        }
        // The same definition under other suppressions is walked again.
        let key_active: String = self.active.iter().map(|k| format!("{k:?};")).collect();
        if let Some(key_args) = key_args
            && !self.visited.insert((id, key_args + &key_active))
        {
            self.active.truncate(outer);
            return;
        }
        let mut visit =
            |this: &mut Self, owner: String, f: &crate::index::Field, variant: &[Allow]| {
                if this.done() {
                    return;
                }
                let before = this.active.len();
                for a in variant.iter().chain(&f.allows) {
                    this.active.extend(allow_keys(file, a));
                }
                let link = match bound_param(&f.ty, scope) {
                    // Only a concrete argument says more than the parameter's name.
                    Some((t, s)) if !mentions_param(&t, &s, 0) => {
                        format!("{owner}.{}: {} = {t}", f.name, f.ty)
                    }
                    _ => format!("{owner}.{}: {}", f.name, f.ty),
                };
                chain.push(link);
                let name = match &f.name {
                    FieldName::Named(n) => Some(n.as_str()),
                    FieldName::Index(_) => None,
                };
                this.walk(&f.ty, scope, name, chain, depth + 1);
                chain.pop();
                this.active.truncate(before);
            };
        match &d.body {
            Body::Struct(fields) | Body::Union(fields) => {
                for f in fields {
                    visit(self, d.name.clone(), f, &[]);
                }
            }
            Body::Enum(vs) => {
                for v in vs {
                    for f in &v.fields {
                        visit(self, format!("{}::{}", d.name, v.name), f, &v.allows);
                    }
                }
            }
            Body::Alias(t) => {
                chain.push(format!("{} = {t}", d.name));
                self.walk(t, scope, None, chain, depth + 1);
                chain.pop();
            }
        }
        self.active.truncate(outer);
    }

    fn walk(
        &mut self,
        ty: &Ty,
        scope: &Scope,
        field: Option<&str>,
        chain: &mut Vec<String>,
        depth: usize,
    ) {
        self.steps += 1;
        if depth > 40 || self.done() {
            return;
        }
        if let Some((t, s)) = bound_param(ty, scope) {
            // Messages name the argument, not the parameter.
            return self.walk(&t, &s, field, chain, depth + 1);
        }
        if let TyKind::Path(_) = ty.kind {
            // The same instantiation under the same field name and suppressions finds the same
            // things: walk it once (an alias nest like `D<D<D<u8>>>` with `type D<T> = (T, T)`
            // is otherwise exponential).
            // One too large to key is walked unmemoised, under the step budget.
            if let Some(key) = self.prog.instance_key(ty, scope) {
                let active: String = self.active.iter().map(|k| format!("{k:?};")).collect();
                let key = format!("{key}|{}|{active}", field.unwrap_or(""));
                if !self.visited_ty.insert(key) {
                    return;
                }
            }
        }
        match self.prog.node(ty, scope) {
            Node::Def(id, args) => {
                let s = self.prog.def_scope(id, &args);
                self.walk_def(id, &s, chain, depth + 1);
            }
            Node::Foreign(path, Some(k), args) => {
                let name = path.last().cloned().unwrap_or_default();
                match k.owns {
                    Owns::Bytes => self.hit_heap(format!("`{ty}` is a byte buffer"), chain),
                    Owns::Text => {
                        if let Some(f) = field
                            && self.prog.known.is_payload_name(f)
                        {
                            self.hit_heap(
                                format!("`{ty}` field `{f}` holds a payload (by its name)"),
                                chain,
                            );
                        }
                    }
                    Owns::Args | Owns::Message => {
                        for (t, s) in &args {
                            self.walk(t, s, field, chain, depth + 1);
                        }
                    }
                    Owns::SmallVec => {
                        // `SmallVec<[u8; N]>`: a byte buffer when its inline part alone is over
                        // the limit; a small inline one is a short, bounded value.
                        if let Some((t, s)) = args.first()
                            && let Node::Array(e, es, n) = self.prog.node(t, s)
                            && self.prog.is_byte(&e, &es)
                        {
                            if n.is_some_and(|n| n > self.limits.max_error_size) {
                                self.hit_heap(format!("`{ty}` is a byte buffer"), chain);
                            }
                        } else {
                            self.hit_coll(format!("`{ty}`"), chain);
                            for (t, s) in &args {
                                self.walk(t, s, field, chain, depth + 1);
                            }
                        }
                    }
                    Owns::Collection => {
                        let bytes = matches!(name.as_str(), "Vec" | "VecDeque")
                            && args.first().is_some_and(|(t, s)| self.prog.is_byte(t, s));
                        if bytes {
                            self.hit_heap(format!("`{ty}` is a byte buffer"), chain);
                        } else {
                            self.hit_coll(format!("`{ty}`"), chain);
                            for (t, s) in &args {
                                self.walk(t, s, field, chain, depth + 1);
                            }
                        }
                    }
                    Owns::Document => {
                        self.hit_coll(format!("`{ty}` is a dynamic document"), chain);
                    }
                    Owns::PayloadError(why) => {
                        self.hit_heap(format!("`{ty}` {why}"), chain);
                    }
                    Owns::Nothing | Owns::Phantom => {}
                }
            }
            Node::Foreign(_, None, _) | Node::Unknown | Node::Opaque | Node::Pointer(_) => {}
            Node::Param(name, error_bound) => {
                if !error_bound && !self.suppressed(Rule::GenericPayload) && self.generic.is_none()
                {
                    self.generic = Some((name, chain.clone()));
                }
            }
            Node::Tuple(elems) => {
                for (t, s) in &elems {
                    self.walk(t, s, field, chain, depth + 1);
                }
            }
            Node::Array(e, s, n) => {
                if self.prog.is_byte(&e, &s) {
                    if n.is_some_and(|n| n > self.limits.max_error_size) {
                        self.hit_heap(
                            format!(
                                "`{ty}` is an inline byte buffer over {} bytes",
                                self.limits.max_error_size
                            ),
                            chain,
                        );
                    }
                } else {
                    self.walk(&e, &s, field, chain, depth + 1);
                }
            }
            Node::Slice(e, s) => {
                if self.prog.is_byte(&e, &s) {
                    self.hit_heap(format!("`[{e}]` is a byte buffer"), chain);
                } else {
                    self.hit_coll(format!("`[{e}]`"), chain);
                    self.walk(&e, &s, field, chain, depth + 1);
                }
            }
        }
    }
}

fn def_root(prog: &Program, id: DefId) -> Root {
    let d = prog.def(id);
    let mut path = prog.modules[prog.defs[id].module].path.clone();
    path.push(d.name.clone());
    Root {
        name: d.name.clone(),
        file: prog.defs[id].file,
        pos: d.pos,
        written: None,
        instance: None,
        allows: Vec::new(),
        path,
        returned_by: 0,
    }
}

/// Which parameters of each definition an `impl Error for` bounds as errors, by position.
type ImplBounds = HashMap<DefId, Vec<bool>>;

/// Finds the error types: derives, `impl Error for`, and the error positions of signatures,
/// aliases and associated types. Also returns the parameters that `impl<E: Error> Error for
/// T<E>` bounds.
fn find_roots(prog: &Program) -> (Vec<(RootKey, Root)>, ImplBounds) {
    let mut impl_bounds: ImplBounds = HashMap::new();
    let mut roots: HashMap<RootKey, Root> = HashMap::new();
    let mut order: Vec<RootKey> = Vec::new();
    let mut add = |key: RootKey, root: Root, count: usize| {
        if let Some(r) = roots.get_mut(&key) {
            r.returned_by += count;
        } else {
            order.push(key.clone());
            let mut root = root;
            root.returned_by = count;
            roots.insert(key, root);
        }
    };
    let def_root = |id: DefId| def_root(prog, id);
    for id in 0..prog.defs.len() {
        if prog.def(id).error_derive && !matches!(prog.def(id).body, Body::Alias(_)) {
            add(RootKey::Def(id), def_root(id), 0);
        }
    }
    for (fi, f) in prog.files.iter().enumerate() {
        for imp in &f.index.error_impls {
            let m = prog.module_of(fi, &imp.module);
            let params = imp
                .generics
                .iter()
                .map(|g| (g.clone(), Bind::Unknown))
                .collect();
            let scope = Scope::new(fi, m, params, None);
            if let Node::Def(id, args) = prog.node(&imp.self_ty, &scope) {
                add(RootKey::Def(id), def_root(id), 0);
                let bounded = impl_bounds.entry(id).or_default();
                for (i, (t, _)) in args.iter().enumerate() {
                    let by_impl = imp.params.iter().any(|g| {
                        t.is_ident(&g.name) && g.bounds.iter().any(|b| prog.is_error_bound(m, b))
                    });
                    if bounded.len() <= i {
                        bounded.resize(i + 1, false);
                    }
                    bounded[i] |= by_impl;
                }
            }
        }
        for site in &f.index.sites {
            let m = prog.module_of(fi, &site.module);
            let params: Vec<(String, Bind)> = site
                .generics
                .iter()
                .map(|g| {
                    let error_bound = site
                        .bounds
                        .iter()
                        .any(|(n, b)| n == g && prog.is_error_bound(m, b));
                    (g.clone(), Bind::Symbolic { error_bound })
                })
                .collect();
            let self_ty = site.self_ty.as_ref().map(|t| {
                (
                    t.clone(),
                    Scope::new(
                        fi,
                        m,
                        params
                            .iter()
                            .map(|(n, _)| (n.clone(), Bind::Unknown))
                            .collect(),
                        None,
                    ),
                )
            });
            let scope = Scope::new(fi, m, params, self_ty);
            let mut positions = Vec::new();
            if site.kind == SiteKind::Assoc {
                positions.push((site.ty.clone(), scope.clone()));
            } else {
                error_positions(prog, &site.ty, &scope, &mut positions, 0);
            }
            let count = usize::from(site.kind != SiteKind::Param);
            let mut seen = HashSet::new();
            for (t, s) in positions {
                if t.is_ident("Self") && site.kind != SiteKind::Assoc {
                    // `fn try_map(self, …) -> Result<_, Self>` hands the value back to the
                    // caller, the very fix the rules recommend: not an error type by itself.
                    continue;
                }
                let mut found = Vec::new();
                classify(prog, &t, &s, &mut found, 0);
                for (key, root) in found {
                    if seen.insert(key.clone()) {
                        add(key, root, count);
                    }
                }
            }
        }
    }
    // Aliases that are themselves error positions (`type Result<T> = Result<T, E>`) mark `E`
    // even when nothing in the scan uses them.
    for id in 0..prog.defs.len() {
        let d = prog.def(id);
        if let Body::Alias(target) = &d.body {
            let scope = prog.def_scope(id, &[]);
            let scope = Scope::new(
                scope.file(),
                scope.module(),
                d.generics
                    .iter()
                    .map(|g| (g.name.clone(), Bind::Symbolic { error_bound: false }))
                    .collect(),
                None,
            );
            let mut positions = Vec::new();
            error_positions(prog, target, &scope, &mut positions, 0);
            for (t, s) in positions {
                let mut found = Vec::new();
                classify(prog, &t, &s, &mut found, 0);
                for (key, root) in found {
                    add(key, root, 0);
                }
            }
        }
    }
    // Instantiations last, so their definitions' own findings are known when they are reported.
    order.sort_by_key(|k| matches!(k, RootKey::Instance(_)));
    let roots = order
        .into_iter()
        .map(|k| {
            let r = roots.remove(&k).expect("root recorded");
            (k, r)
        })
        .collect();
    (roots, impl_bounds)
}

/// The `E`s of `Result<_, E>` inside a written type, following aliases.
fn error_positions(
    prog: &Program,
    ty: &Ty,
    scope: &Scope,
    out: &mut Vec<(Ty, Scope)>,
    depth: usize,
) {
    if depth > 16 {
        return;
    }
    match &ty.kind {
        TyKind::Path(p) => {
            if p.segs.len() == 1 && matches!(p.segs[0].name.as_str(), "Self") {
                return;
            }
            if p.segs.len() == 1
                && let Some(Bind::To(t, s)) = scope.param(&p.segs[0].name)
            {
                return error_positions(prog, t, s, out, depth + 1);
            }
            if let crate::resolve::Res::Def(id) = prog.resolve(scope.module(), p)
                && let Body::Alias(target) = &prog.def(id).body
            {
                let s = instance_scope(prog, id, p, scope);
                error_positions(prog, target, &s, out, depth + 1);
                return;
            }
            let last = p.last();
            if last.name == "Result" && last.positional == 2 {
                out.push((last.args[1].clone(), scope.clone()));
                error_positions(prog, &last.args[0], scope, out, depth + 1);
                return;
            }
            for seg in &p.segs {
                for a in &seg.args {
                    error_positions(prog, a, scope, out, depth + 1);
                }
            }
        }
        TyKind::Dyn(bounds) | TyKind::Impl(bounds) => {
            for b in bounds {
                for seg in &b.segs {
                    for a in &seg.args {
                        error_positions(prog, a, scope, out, depth + 1);
                    }
                }
            }
        }
        TyKind::Tuple(elems) => {
            for e in elems {
                error_positions(prog, e, scope, out, depth + 1);
            }
        }
        TyKind::Array(e, _) | TyKind::Slice(e) | TyKind::Ref(e) | TyKind::Ptr(e) => {
            error_positions(prog, e, scope, out, depth + 1)
        }
        _ => {}
    }
}

/// Turns an error position into error types: nominal types are reported at their definition;
/// tuples are split; anything else is reported where it is written.
fn classify(prog: &Program, ty: &Ty, scope: &Scope, out: &mut Vec<(RootKey, Root)>, depth: usize) {
    if depth > 16 {
        return;
    }
    let file = scope.file();
    let written = |name: String, file: usize, pos: Pos, allows: Vec<AllowKey>| Root {
        name,
        file,
        pos,
        written: Some((ty.clone(), scope.clone())),
        instance: None,
        allows,
        path: Vec::new(),
        returned_by: 0,
    };
    match &ty.kind {
        TyKind::Tuple(elems) if !elems.is_empty() => {
            for e in elems {
                classify(prog, e, scope, out, depth + 1);
            }
        }
        TyKind::Path(p) => {
            if p.segs.len() == 1 && !p.global {
                let name = &p.segs[0].name;
                if let Some(b) = scope.param(name) {
                    if let Bind::To(t, s) = b {
                        classify(prog, t, s, out, depth + 1);
                    }
                    return;
                }
                if name == "Self" {
                    if let Some((t, s)) = &scope.data().self_ty {
                        classify(prog, t, s, out, depth + 1);
                    }
                    return;
                }
            }
            match prog.resolve(scope.module(), p) {
                crate::resolve::Res::Def(id) => {
                    let d = prog.def(id);
                    if let Body::Alias(target) = &d.body {
                        let s = instance_scope(prog, id, p, scope);
                        let inner = unwrap_pointer(prog, target, &s);
                        let nominal = matches!(prog.node(inner, &s), Node::Def(..));
                        if matches!(inner.kind, TyKind::Tuple(ref e) if !e.is_empty()) || nominal {
                            classify(prog, inner, &s, out, depth + 1);
                        } else {
                            out.push((
                                RootKey::Written(prog.defs[id].file, d.pos),
                                Root {
                                    path: def_root(prog, id).path,
                                    name: d.name.clone(),
                                    file: prog.defs[id].file,
                                    pos: d.pos,
                                    written: Some((ty.clone(), scope.clone())),
                                    instance: None,
                                    allows: d
                                        .allows
                                        .iter()
                                        .flat_map(|a| allow_keys(prog.defs[id].file, a))
                                        .collect(),
                                    returned_by: 0,
                                },
                            ));
                        }
                    } else {
                        out.push((RootKey::Def(id), def_root(prog, id)));
                        if let Some(inst) = instance_root(prog, id, ty, p, scope) {
                            out.push(inst);
                        }
                    }
                }
                crate::resolve::Res::Foreign(path) => {
                    if is_wrapper(&path)
                        && let Some(a) = p.args().first()
                        && wraps_own_type(prog, a, scope, 0)
                    {
                        classify(prog, a, scope, out, depth + 1);
                        return;
                    }
                    out.push((
                        RootKey::Written(file, ty.pos),
                        written(ty.to_string(), file, ty.pos, Vec::new()),
                    ));
                }
                crate::resolve::Res::Unknown => {}
            }
        }
        TyKind::Array(e, _) if wraps_own_type(prog, e, scope, 0) => {
            classify(prog, e, scope, out, depth + 1)
        }
        TyKind::Array(..) | TyKind::Slice(..) => out.push((
            RootKey::Written(file, ty.pos),
            written(ty.to_string(), file, ty.pos, Vec::new()),
        )),
        _ => {}
    }
}

/// A generic definition written with concrete arguments in an error position
/// (`Ctx<FromUtf8Error>`) is analysed with those arguments too, and reported where it is
/// written: the definition alone cannot show what `FromUtf8Error` brings.
fn instance_root(
    prog: &Program,
    id: DefId,
    ty: &Ty,
    p: &crate::ty::PathTy,
    scope: &Scope,
) -> Option<(RootKey, Root)> {
    if p.args().is_empty()
        || prog.def(id).generics.is_empty()
        || p.args().iter().any(|a| mentions_param(a, scope, 0))
    {
        return None;
    }
    let s = instance_scope(prog, id, p, scope);
    let key = prog.def_key(id, &s)?;
    Some((
        RootKey::Instance(key),
        Root {
            name: ty.to_string(),
            file: scope.file(),
            pos: ty.pos,
            written: None,
            instance: Some((id, s)),
            allows: Vec::new(),
            path: def_root(prog, id).path,
            returned_by: 0,
        },
    ))
}

/// The scope of definition `id` with the arguments written on `p` (in `scope`) bound.
fn instance_scope(prog: &Program, id: DefId, p: &crate::ty::PathTy, scope: &Scope) -> Scope {
    let args: Vec<(Ty, Scope)> = p
        .args()
        .iter()
        .map(|a| (a.clone(), scope.clone()))
        .collect();
    prog.def_scope(id, &args)
}

/// A type that is a generic parameter bound to a type: what it is bound to.
fn bound_param(ty: &Ty, scope: &Scope) -> Option<(Ty, Scope)> {
    let TyKind::Path(p) = &ty.kind else {
        return None;
    };
    if p.global || p.segs.len() != 1 || !p.segs[0].args.is_empty() {
        return None;
    }
    match scope.param(&p.segs[0].name) {
        Some(Bind::To(t, s)) => Some((t.clone(), s.clone())),
        _ => None,
    }
}

/// Whether a written type names a generic parameter that is not bound to a type (a function's
/// own `T`, `Self`).
fn mentions_param(ty: &Ty, scope: &Scope, depth: usize) -> bool {
    if depth > 32 {
        return true;
    }
    match &ty.kind {
        TyKind::Path(p) => {
            if !p.global {
                let name = p.segs[0].name.as_str();
                match scope.param(name) {
                    // `T::Error`: a projection of a parameter is as unknown as the parameter.
                    Some(_) if p.segs.len() > 1 => return true,
                    Some(Bind::To(t, s)) => return mentions_param(t, s, depth + 1),
                    Some(_) => return true,
                    None if name == "Self" => return true,
                    None => {}
                }
            }
            p.segs
                .iter()
                .flat_map(|s| &s.args)
                .any(|a| mentions_param(a, scope, depth + 1))
        }
        TyKind::Tuple(es) => es.iter().any(|e| mentions_param(e, scope, depth + 1)),
        TyKind::Array(e, _) | TyKind::Slice(e) | TyKind::Ref(e) | TyKind::Ptr(e) => {
            mentions_param(e, scope, depth + 1)
        }
        TyKind::Dyn(_) | TyKind::Impl(_) | TyKind::Other => true,
        TyKind::FnPtr | TyKind::Never => false,
    }
}

/// Foreign types that hold their first argument and nothing of their own the rules care about:
/// an error position `Option<Big>` or `Vec<Big>` is reported as `Big`, at its definition, so one
/// error type gives one finding.
fn is_wrapper(path: &[String]) -> bool {
    matches!(
        path.last().map(String::as_str),
        Some("Box" | "Arc" | "Rc" | "Option" | "Vec" | "VecDeque")
    )
}

/// Whether a type is one of the scan's own definitions, possibly inside wrappers and arrays.
fn wraps_own_type(prog: &Program, ty: &Ty, scope: &Scope, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    match prog.node(ty, scope) {
        Node::Def(..) => true,
        Node::Foreign(path, _, args) if is_wrapper(&path) => args
            .first()
            .is_some_and(|(t, s)| wraps_own_type(prog, t, s, depth + 1)),
        Node::Array(e, s, _) => wraps_own_type(prog, &e, &s, depth + 1),
        _ => false,
    }
}

/// `Box<T>`, `Option<T>`, `Vec<T>`, … → `T` (for classifying alias targets).
fn unwrap_pointer<'t>(prog: &Program, ty: &'t Ty, scope: &Scope) -> &'t Ty {
    if let TyKind::Path(p) = &ty.kind
        && let crate::resolve::Res::Foreign(path) = prog.resolve(scope.module(), p)
        && is_wrapper(&path)
        && let Some(a) = p.args().first()
    {
        return a;
    }
    ty
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Config, check_sources};

    fn found(src: &str) -> Vec<(Rule, u32)> {
        check_sources(&[("a.rs", src)], &Config::default())
            .findings
            .iter()
            .map(|f| (f.rule, f.line))
            .collect()
    }

    /// The one finding of `rule` in `r`.
    fn one_of(r: &crate::Report, rule: Rule) -> &crate::Finding {
        let of: Vec<_> = r.findings.iter().filter(|f| f.rule == rule).collect();
        assert_eq!(of.len(), 1, "{:?}", r.findings);
        of[0]
    }

    #[test]
    fn an_enum_of_more_than_65536_variants_has_a_four_byte_tag() {
        // 70,000 variants: the tag is a `u32` (a `u16` holds 65,536), and the spare tag values
        // are counted without overflow. `A`'s 200 bytes follow the 4-byte tag.
        let mut src =
            String::from("#[derive(Debug, thiserror::Error)]\npub enum E {\n    A([u8; 200]),\n");
        for i in 1..70_000 {
            src.push_str(&format!("    V{i},\n"));
        }
        src.push_str("}\n");
        let r = check_sources(&[("a.rs", &src)], &Config::default());
        let large = one_of(&r, Rule::LargeInline);
        assert!(large.message.contains(" 204 bytes"), "{}", large.message);
    }

    #[test]
    fn a_type_too_large_to_key_is_still_walked() {
        // `Big<L…>`'s instantiation key is longer than `MAX_KEY_LEN`: it cannot be memoised,
        // but the buffer behind it is still found.
        let long = "L".repeat(crate::resolve::MAX_KEY_LEN + 10);
        let src = format!(
            "pub struct {long};
pub struct Big<T> {{ t: T, body: Vec<u8> }}
#[derive(Debug, thiserror::Error)]
pub struct E {{ b: Big<{long}> }}
"
        );
        let r = check_sources(&[("a.rs", &src)], &Config::default());
        let heap = one_of(&r, Rule::HeapBuffer);
        assert_eq!(heap.line, 4);
        assert!(heap.chain.last().unwrap().ends_with("body: Vec<u8>"));
    }

    #[test]
    fn field_and_variant_allows_cover_only_their_chains() {
        let src = "\
#[derive(Debug, thiserror::Error)]
#[errguard::allow]
pub enum E {
    #[errguard::allow(heap-buffer, reason = \"capped\")]
    A(Vec<u8>),
    B(Inner),
}
pub struct Inner {
    #[errguard::allow(heap-buffer, reason = \"a nonce\")]
    nonce: Vec<u8>,
}
#[derive(Debug, thiserror::Error)]
pub struct F { inner: Inner, other: Inner }
";
        // E: both buffers suppressed. F: `Inner.nonce` is suppressed through both fields.
        assert_eq!(found(src), []);
        let src = src.replace("    B(Inner),", "    B(Inner),\n    C { body: Vec<u8> },");
        let r = check_sources(&[("a.rs", &src)], &Config::default());
        assert_eq!(r.findings.len(), 1);
        assert_eq!(r.findings[0].chain, ["E::C.body: Vec<u8>"]);
    }

    #[test]
    fn allows_after_every_rule_has_a_finding_are_still_used() {
        let src = "\
#[derive(Debug, thiserror::Error)]
#[errguard::allow]
pub struct E<T> {
    body: Vec<u8>,
    t: T,
    names: Vec<String>,
    #[errguard::allow(heap-buffer, reason = \"a nonce\")]
    nonce: Vec<u8>,
}
";
        let mut c = Config::default();
        c.levels.insert(Rule::UnboundedCollection, Level::Warn);
        let r = check_sources(&[("a.rs", src)], &c);
        let rules: Vec<Rule> = r.findings.iter().map(|f| f.rule).collect();
        assert_eq!(
            rules,
            [
                Rule::HeapBuffer,
                Rule::GenericPayload,
                Rule::UnboundedCollection
            ]
        );
    }

    #[test]
    fn type_allows_cover_chains_through_the_type() {
        let src = "\
#[errguard::allow(heap-buffer, reason = \"bounded by the protocol\")]
pub struct Frame { data: Vec<u8> }
#[derive(Debug, thiserror::Error)]
pub struct Outer { frame: Frame }
";
        assert_eq!(found(src), []);
    }

    #[test]
    fn large_inline_allow_on_the_biggest_field() {
        let src = "\
#[derive(Debug, thiserror::Error)]
#[errguard::allow]
pub struct Stats {
    #[errguard::allow(large-inline, reason = \"histogram, built once\")]
    buckets: [u64; 20],
    n: u64,
}
#[derive(Debug, thiserror::Error)]
#[errguard::allow]
pub struct Other {
    a: [u64; 20],
    #[errguard::allow(large-inline, reason = \"the small one\")]
    b: u8,
}
";
        assert_eq!(
            found(src),
            [(Rule::LargeInline, 10), (Rule::UnusedAllow, 12)]
        );
    }

    #[test]
    fn unusable_allows_are_reported() {
        let src = "\
#[errguard::allow(heap-buffer)]
#[errguard::allow(no-such-rule, reason = \"x\")]
#[derive(Debug, thiserror::Error)]
pub struct E { body: Vec<u8> }
";
        assert_eq!(
            found(src),
            [
                (Rule::UnusedAllow, 1),
                (Rule::UnusedAllow, 2),
                (Rule::HeapBuffer, 4)
            ]
        );
        // Suppressions of rules that are off are not checked.
        let src = "#[errguard::allow(unbounded-collection, reason = \"x\")]\n#[derive(Debug, thiserror::Error)]\npub struct E { n: u8 }\n";
        assert_eq!(found(src), []);
    }

    fn analysed(src: &str) -> Analysis {
        let index = crate::index_source(src).unwrap();
        let prog = Program::new(vec![crate::resolve::SourceFile {
            path: "a.rs".into(),
            index,
        }]);
        let enabled = Rule::ALL.into_iter().collect();
        analyse(
            &prog,
            &enabled,
            &Limits {
                max_error_size: 128,
            },
            &[],
        )
    }

    #[test]
    fn alias_and_generic_nests_end_within_the_step_budgets() {
        let d26 = format!("{}u8{}", "D<".repeat(26), ">".repeat(26));
        for src in [
            "type R<T> = Result<(), (R<T>, R<T>)>;\npub fn g() -> R<u8> { todo!() }\n".to_string(),
            "type R<T> = Result<R<(T, T)>, R<Vec<T>>>;\npub fn g() -> R<u8> { todo!() }\n"
                .to_string(),
            format!(
                "type D<T> = (T, T);\npub struct E {{ x: {d26} }}\nimpl std::error::Error for E {{}}\n"
            ),
        ] {
            let a = analysed(&src);
            // Each root has its own walk and size budgets; past the walk budget, the calls
            // already under way each take one step to return (a few dozen here).
            assert!(a.roots >= 1, "no root for {src}");
            let per_root = (MAX_STEPS + crate::resolve::SIZE_STEPS + 64) as u64;
            assert!(
                a.steps <= a.roots as u64 * per_root,
                "{} steps for {} roots in {src}",
                a.steps,
                a.roots
            );
        }
        // The growing nest spends its budgets: the bound above is the one that holds it.
        let a = analysed(
            "type R<T> = Result<R<(T, T)>, R<Vec<T>>>;\npub fn g() -> R<u8> { todo!() }\n",
        );
        assert_eq!(a.roots, 1);
        assert!(a.steps > MAX_STEPS as u64, "{}", a.steps);
        // The 26-level nest is 2^26 bytes, found in a few hundred steps.
        let a = analysed(&format!(
            "type D<T> = (T, T);\npub struct E {{ x: {d26} }}\nimpl std::error::Error for E {{}}\n"
        ));
        assert_eq!(a.findings.len(), 1);
        assert!(
            a.findings[0].message.contains("67108864 bytes"),
            "{:?}",
            a.findings
        );
        assert!(a.steps < 2_000, "{}", a.steps);
    }

    #[test]
    fn wrapped_own_errors_count_toward_their_definition() {
        let r = check_sources(
            &[(
                "a.rs",
                "pub struct Big { pub body: Vec<u8> }\n\
                 impl std::error::Error for Big {}\n\
                 pub fn f() -> Result<(), Option<Big>> { todo!() }\n\
                 pub fn g() -> Result<(), Vec<Big>> { todo!() }\n\
                 pub fn h() -> Result<(), Option<Box<Big>>> { todo!() }\n",
            )],
            &Config::default(),
        );
        assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
        assert_eq!((r.findings[0].line, r.findings[0].returned_by), (1, 3));
    }

    #[test]
    fn self_error_in_an_impl_is_its_associated_type() {
        let r = check_sources(
            &[(
                "a.rs",
                "pub struct PErr { pub raw: Vec<u8> }\n\
                 pub struct X;\n\
                 impl TryFrom<u8> for X { type Error = PErr; fn try_from(v: u8) -> Result<Self, Self::Error> { todo!() } }\n\
                 impl std::str::FromStr for X { type Err = PErr; fn from_str(s: &str) -> Result<Self, Option<Self::Err>> { todo!() } }\n",
            )],
            &Config::default(),
        );
        assert_eq!(r.findings.len(), 1, "{:?}", r.findings);
        // Two `type … =` and the two signatures.
        assert_eq!(r.findings[0].returned_by, 4);
    }

    #[test]
    fn chains_name_concrete_arguments_only() {
        let src = "pub struct Samples<B> { samples: B }\n\
                   pub struct View<B> { inner: Samples<B> }\n\
                   impl<B> std::error::Error for View<B> {}\n";
        let r = check_sources(&[("a.rs", src)], &Config::default());
        assert_eq!(
            r.findings[0].chain,
            ["View.inner: Samples<B>", "Samples.samples: B"]
        );
    }

    #[test]
    fn self_handed_back_is_not_an_error_position() {
        let src = "pub struct Guard<T> { held: Vec<u8>, t: T }\n\
                   impl<T> Guard<T> { pub fn try_map(self) -> Result<u8, Self> { todo!() } }\n";
        assert_eq!(found(src), []);
    }

    #[test]
    fn ignore_paths() {
        let p = |s: &str| -> Vec<String> { s.split("::").map(String::from).collect() };
        let def = p("fetch::FetchError");
        assert!(ignore_matches(&p("FetchError"), &def, "FetchError"));
        assert!(ignore_matches(&p("fetch::FetchError"), &def, "FetchError"));
        assert!(ignore_matches(
            &p("crate::fetch::FetchError"),
            &def,
            "FetchError"
        ));
        assert!(ignore_matches(
            &p("my_crate::fetch::FetchError"),
            &def,
            "FetchError"
        ));
        assert!(!ignore_matches(&p("other::FetchError"), &def, "FetchError"));
        assert!(!ignore_matches(&p("Fetch"), &def, "FetchError"));
        assert!(ignore_matches(&p("Vec<u8>"), &[], "Vec<u8>"));
    }
}
