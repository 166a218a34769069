//! Phase 2: the whole scan as one program. Files are grouped into crates by following
//! `mod name;` declarations from the files nothing declares; names are resolved syntactically
//! through each module's definitions, `use` declarations and glob imports.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::index::{Body, FileIndex, TypeDef};
use crate::known::{self, Known, Layout};
use crate::ty::{ArrayLen, PathTy, Ty, TyKind};

/// Index of a module in [`Program::modules`].
pub type ModId = usize;
/// Index of a definition in [`Program::defs`].
pub type DefId = usize;

/// One scanned file as the resolver sees it.
pub struct SourceFile {
    /// The path as walked.
    pub path: PathBuf,
    /// Its index.
    pub index: FileIndex,
}

/// A module: what it defines and imports.
#[derive(Default, Debug)]
pub struct Module {
    /// The crate (the index of its root file).
    pub krate: usize,
    /// The module path from the crate root.
    pub path: Vec<String>,
    /// Types defined here.
    pub defs: HashMap<String, DefId>,
    /// `use … as name`.
    pub uses: HashMap<String, Vec<String>>,
    /// `use path::*`.
    pub globs: Vec<Vec<String>>,
    /// Integer constants.
    pub consts: HashMap<String, u64>,
}

/// A definition and where it lives.
pub struct DefRef {
    /// The file.
    pub file: usize,
    /// Index into the file's `defs`.
    pub idx: usize,
    /// The module it is defined in.
    pub module: ModId,
}

/// All files of a scan, resolved into crates and modules.
pub struct Program {
    /// The files.
    pub files: Vec<SourceFile>,
    /// The modules.
    pub modules: Vec<Module>,
    mod_index: HashMap<(usize, Vec<String>), ModId>,
    /// Each file's top-level module.
    pub file_mod: Vec<ModId>,
    /// Every definition.
    pub defs: Vec<DefRef>,
    by_crate_name: HashMap<(usize, String), Vec<DefId>>,
    /// The table of foreign types with the configured additions.
    pub known: known::Extra,
}

/// What a name resolves to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Res {
    /// A definition in the scanned code.
    Def(DefId),
    /// A type from elsewhere, by its (expanded) path.
    Foreign(Vec<String>),
    /// Nothing known.
    Unknown,
}

/// A generic parameter's binding in a [`Scope`].
#[derive(Clone)]
pub enum Bind {
    /// Bound to a type written in another scope.
    To(Ty, Scope),
    /// The parameter of the error type under analysis: any type.
    Symbolic {
        /// Bounded as an error (`E: Error`).
        error_bound: bool,
    },
    /// Not known.
    Unknown,
}

/// Where a type is written: its module, generic parameters and `Self`.
#[derive(Clone)]
pub struct Scope(Rc<ScopeData>);

/// The data of a [`Scope`].
pub struct ScopeData {
    /// The file the types are written in.
    pub file: usize,
    /// The module.
    pub module: ModId,
    /// Generic parameters in scope.
    pub params: Vec<(String, Bind)>,
    /// `Self`.
    pub self_ty: Option<(Ty, Scope)>,
}

impl Scope {
    /// A new scope.
    pub fn new(
        file: usize,
        module: ModId,
        params: Vec<(String, Bind)>,
        self_ty: Option<(Ty, Scope)>,
    ) -> Self {
        Scope(Rc::new(ScopeData {
            file,
            module,
            params,
            self_ty,
        }))
    }
    /// The module.
    pub fn module(&self) -> ModId {
        self.0.module
    }
    /// The file.
    pub fn file(&self) -> usize {
        self.0.file
    }
    /// The scope's data.
    pub fn data(&self) -> &ScopeData {
        &self.0
    }
    /// The binding of a generic parameter.
    pub fn param(&self, name: &str) -> Option<&Bind> {
        self.0
            .params
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b)
    }
}

/// A type after resolution, one level deep.
pub enum Node {
    /// A scanned definition (aliases are followed), with its arguments.
    Def(DefId, Vec<(Ty, Scope)>),
    /// A foreign type with its table entry and arguments.
    Foreign(Vec<String>, Option<Known>, Vec<(Ty, Scope)>),
    /// A symbolic type parameter of the type under analysis.
    Param(String, bool),
    /// A tuple.
    Tuple(Vec<(Ty, Scope)>),
    /// An array with its length if known.
    Array(Ty, Scope, Option<u64>),
    /// A slice.
    Slice(Ty, Scope),
    /// A pointer to a sized (`false`) or unsized (`true`) type: references, raw pointers.
    Pointer(bool),
    /// `dyn Trait`, `impl Trait`: opaque.
    Opaque,
    /// Anything else.
    Unknown,
}

const PRELUDE: &[&str] = &[
    "Vec", "String", "Box", "Option", "Result", "u8", "u16", "u32", "u64", "u128", "usize", "i8",
    "i16", "i32", "i64", "i128", "isize", "f32", "f64", "bool", "char", "str",
];

fn is_mod_rs(p: &Path) -> bool {
    matches!(
        p.file_name().and_then(|n| n.to_str()),
        Some("mod.rs" | "lib.rs" | "main.rs")
    )
}

impl Program {
    /// Groups files into crates and modules.
    pub fn new(files: Vec<SourceFile>) -> Program {
        Program::with_known(files, known::Extra::default())
    }

    /// [`Program::new`] with configured additions to the table of foreign types.
    pub fn with_known(files: Vec<SourceFile>, known: known::Extra) -> Program {
        let by_path: HashMap<&Path, usize> = files
            .iter()
            .enumerate()
            .map(|(i, f)| (f.path.as_path(), i))
            .collect();
        // mod edges: parent file -> (inline module path + name, child file)
        let mut edges: Vec<Vec<(Vec<String>, usize)>> = vec![Vec::new(); files.len()];
        let mut has_parent = vec![false; files.len()];
        for (fi, f) in files.iter().enumerate() {
            let dir = f.path.parent().unwrap_or(Path::new(""));
            let stem = f.path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            for m in f.index.mods.iter().filter(|m| !m.inline) {
                let mut cands = Vec::new();
                let inline: PathBuf = m.module.iter().collect();
                if let Some(p) = &m.path_attr {
                    cands.push(dir.join(&inline).join(p));
                } else {
                    let bases: Vec<PathBuf> = if is_mod_rs(&f.path) {
                        vec![dir.join(&inline)]
                    } else {
                        vec![dir.join(stem).join(&inline), dir.join(&inline)]
                    };
                    for b in bases {
                        cands.push(b.join(format!("{}.rs", m.name)));
                        cands.push(b.join(&m.name).join("mod.rs"));
                    }
                }
                if let Some(&child) = cands.iter().find_map(|c| by_path.get(c.as_path()))
                    && child != fi
                {
                    let mut path = m.module.clone();
                    path.push(m.name.clone());
                    edges[fi].push((path, child));
                    has_parent[child] = true;
                }
            }
        }
        let mut assigned: Vec<Option<(usize, Vec<String>)>> = vec![None; files.len()];
        let mut order: Vec<usize> = (0..files.len()).filter(|&i| !has_parent[i]).collect();
        order.extend((0..files.len()).filter(|&i| has_parent[i]));
        for root in order {
            if assigned[root].is_some() {
                continue;
            }
            assigned[root] = Some((root, Vec::new()));
            let mut queue = vec![root];
            while let Some(f) = queue.pop() {
                let (krate, base) = assigned[f].clone().expect("assigned before queued");
                for (sub, child) in &edges[f] {
                    if assigned[*child].is_none() {
                        let mut p = base.clone();
                        p.extend(sub.iter().cloned());
                        assigned[*child] = Some((krate, p));
                        queue.push(*child);
                    }
                }
            }
        }
        let mut prog = Program {
            files: Vec::new(),
            modules: Vec::new(),
            mod_index: HashMap::new(),
            file_mod: Vec::new(),
            defs: Vec::new(),
            by_crate_name: HashMap::new(),
            known,
        };
        for (fi, f) in files.iter().enumerate() {
            let (krate, base) = assigned[fi].clone().expect("every file is assigned");
            let top = prog.module_id(krate, base.clone());
            prog.file_mod.push(top);
            let sub = |m: &[String]| {
                let mut p = base.clone();
                p.extend(m.iter().cloned());
                p
            };
            for m in &f.index.mods {
                prog.module_id(krate, sub(&m.module));
                let mut p = sub(&m.module);
                p.push(m.name.clone());
                prog.module_id(krate, p);
            }
            for (di, d) in f.index.defs.iter().enumerate() {
                let mid = prog.module_id(krate, sub(&d.module));
                let id = prog.defs.len();
                prog.defs.push(DefRef {
                    file: fi,
                    idx: di,
                    module: mid,
                });
                prog.modules[mid].defs.entry(d.name.clone()).or_insert(id);
                prog.by_crate_name
                    .entry((krate, d.name.clone()))
                    .or_default()
                    .push(id);
            }
            for u in &f.index.uses {
                let mid = prog.module_id(krate, sub(&u.module));
                match &u.alias {
                    Some(a) => {
                        prog.modules[mid].uses.insert(a.clone(), u.path.clone());
                    }
                    None => prog.modules[mid].globs.push(u.path.clone()),
                }
            }
            for c in &f.index.consts {
                let mid = prog.module_id(krate, sub(&c.module));
                prog.modules[mid].consts.insert(c.name.clone(), c.value);
            }
        }
        prog.files = files;
        prog
    }

    fn module_id(&mut self, krate: usize, path: Vec<String>) -> ModId {
        if let Some(&id) = self.mod_index.get(&(krate, path.clone())) {
            return id;
        }
        let id = self.modules.len();
        self.modules.push(Module {
            krate,
            path: path.clone(),
            ..Module::default()
        });
        self.mod_index.insert((krate, path), id);
        id
    }

    /// The definition behind an id.
    pub fn def(&self, id: DefId) -> &TypeDef {
        let r = &self.defs[id];
        &self.files[r.file].index.defs[r.idx]
    }

    /// The module of a file's inline module path.
    pub fn module_of(&self, file: usize, inline: &[String]) -> ModId {
        let top = &self.modules[self.file_mod[file]];
        let mut p = top.path.clone();
        p.extend(inline.iter().cloned());
        self.mod_index
            .get(&(top.krate, p))
            .copied()
            .unwrap_or(self.file_mod[file])
    }

    fn find_module(&self, krate: usize, path: &[String]) -> Option<ModId> {
        self.mod_index.get(&(krate, path.to_vec())).copied()
    }

    /// Resolves a path written in module `m`.
    pub fn resolve(&self, m: ModId, p: &PathTy) -> Res {
        if p.global {
            return Res::Foreign(p.names());
        }
        self.resolve_names(m, &p.names(), 0)
    }

    fn resolve_names(&self, m: ModId, names: &[String], depth: usize) -> Res {
        if depth > 16 || names.is_empty() {
            return Res::Unknown;
        }
        let module = &self.modules[m];
        let first = names[0].as_str();
        if names.len() == 1 {
            if let Some(r) = self.lookup_in_module(m, first, depth) {
                return r;
            }
            if PRELUDE.contains(&first) {
                return Res::Foreign(names.to_vec());
            }
            if let Some(ids) = self.by_crate_name.get(&(module.krate, first.to_string()))
                && ids.len() == 1
                && known::lookup(names).is_none()
            {
                return Res::Def(ids[0]);
            }
            return Res::Foreign(names.to_vec());
        }
        let krate = module.krate;
        match first {
            "crate" => self.resolve_abs(krate, Vec::new(), &names[1..], depth),
            "self" => self.resolve_abs(krate, module.path.clone(), &names[1..], depth),
            "super" => {
                let mut path = module.path.clone();
                let mut rest = names;
                while rest.first().map(String::as_str) == Some("super") {
                    path.pop();
                    rest = &rest[1..];
                }
                self.resolve_abs(krate, path, rest, depth)
            }
            "std" | "core" | "alloc" => Res::Foreign(names.to_vec()),
            _ => {
                if let Some(target) = module.uses.get(first) {
                    if target.last().map(String::as_str) == Some(first) && target.len() == 1 {
                        return Res::Foreign(names.to_vec());
                    }
                    let mut full = target.clone();
                    full.extend(names[1..].iter().cloned());
                    return self.resolve_names(m, &full, depth + 1);
                }
                let mut child = module.path.clone();
                child.push(first.to_string());
                if self.find_module(krate, &child).is_some() {
                    return self.resolve_abs(krate, child, &names[1..], depth);
                }
                if self.find_module(krate, &names[..1]).is_some() {
                    // 2015-edition paths are crate-relative.
                    return self.resolve_abs(krate, names[..1].to_vec(), &names[1..], depth);
                }
                Res::Foreign(names.to_vec())
            }
        }
    }

    fn resolve_abs(
        &self,
        krate: usize,
        mut path: Vec<String>,
        rest: &[String],
        depth: usize,
    ) -> Res {
        let mut rest = rest;
        loop {
            let Some(mid) = self.find_module(krate, &path) else {
                return Res::Unknown;
            };
            match rest {
                [] => return Res::Unknown,
                [name] => {
                    return self
                        .lookup_in_module(mid, name, depth + 1)
                        .unwrap_or(Res::Unknown);
                }
                [next, more @ ..] => {
                    let mut child = path.clone();
                    child.push(next.clone());
                    if self.find_module(krate, &child).is_some() {
                        path = child;
                        rest = more;
                        continue;
                    }
                    if self.modules[mid].uses.contains_key(next) {
                        return self.resolve_names(mid, rest, depth + 1);
                    }
                    return Res::Unknown;
                }
            }
        }
    }

    /// A name as seen from module `m`: its own items and named imports first, then what glob
    /// imports bring in, nearest glob first.
    ///
    /// Globs are searched breadth-first with a visited set: real crates chain `use super::*`
    /// and `pub use self::x::*` through hundreds of modules, and a depth-limited recursion
    /// over every glob of every module is exponential in the depth (it hung on aws-sdk-s3).
    fn lookup_in_module(&self, m: ModId, name: &str, depth: usize) -> Option<Res> {
        if depth > 16 {
            return None;
        }
        let mut queue = std::collections::VecDeque::from([m]);
        let mut seen = HashSet::from([m]);
        while let Some(cur) = queue.pop_front() {
            let module = &self.modules[cur];
            if let Some(&id) = module.defs.get(name) {
                return Some(Res::Def(id));
            }
            if let Some(target) = module.uses.get(name) {
                if target.len() == 1 && target[0] == name {
                    // `use name;` of an external crate.
                    return Some(Res::Foreign(target.clone()));
                }
                return Some(self.resolve_names(cur, target, depth + 1));
            }
            for g in &module.globs {
                if let Some(gm) = self.glob_module(cur, g, depth)
                    && seen.insert(gm)
                {
                    queue.push_back(gm);
                }
            }
        }
        None
    }

    fn glob_module(&self, m: ModId, path: &[String], depth: usize) -> Option<ModId> {
        if depth > 16 {
            return None;
        }
        let module = &self.modules[m];
        let krate = module.krate;
        let first = path.first()?.as_str();
        let (mut base, rest): (Vec<String>, &[String]) = match first {
            "crate" => (Vec::new(), &path[1..]),
            "self" => (module.path.clone(), &path[1..]),
            "super" => {
                let mut b = module.path.clone();
                let mut r = path;
                while r.first().map(String::as_str) == Some("super") {
                    b.pop();
                    r = &r[1..];
                }
                (b, r)
            }
            _ => {
                let mut child = module.path.clone();
                child.push(first.to_string());
                if self.find_module(krate, &child).is_some() {
                    (child, &path[1..])
                } else if let Some(t) = module.uses.get(first)
                    && !(t.len() == 1 && t[0] == first)
                {
                    let mut full = t.clone();
                    full.extend(path[1..].iter().cloned());
                    return self.glob_module(m, &full, depth + 1);
                } else if self.find_module(krate, &path[..1]).is_some() {
                    (path[..1].to_vec(), &path[1..])
                } else {
                    return None;
                }
            }
        };
        for r in rest {
            base.push(r.clone());
        }
        self.find_module(krate, &base)
    }

    /// An integer constant named by `path` from module `m`.
    pub fn const_value(&self, m: ModId, path: &[String]) -> Option<u64> {
        let name = path.last()?;
        let module = &self.modules[m];
        if let Some(v) = module.consts.get(name) {
            return Some(*v);
        }
        self.modules
            .iter()
            .filter(|x| x.krate == module.krate)
            .find_map(|x| x.consts.get(name).copied())
    }

    /// The scope of a definition with arguments bound (missing ones take their defaults).
    pub fn def_scope(&self, id: DefId, args: &[(Ty, Scope)]) -> Scope {
        let d = self.def(id);
        let m = self.defs[id].module;
        let file = self.defs[id].file;
        let mut params = Vec::new();
        for (i, g) in d.generics.iter().enumerate() {
            let b = match args.get(i) {
                Some((t, s)) => Bind::To(t.clone(), s.clone()),
                None => match &g.default {
                    Some(t) => Bind::To(t.clone(), Scope::new(file, m, params.clone(), None)),
                    None => Bind::Unknown,
                },
            };
            params.push((g.name.clone(), b));
        }
        Scope::new(file, m, params, None)
    }

    /// The scope of a definition analysed on its own: its parameters are symbolic.
    pub fn root_scope(&self, id: DefId) -> Scope {
        self.root_scope_bounded(id, &[])
    }

    /// [`Program::root_scope`], with the parameters at the positions where `bounded` is `true`
    /// counted as error-bounded (bounds written on an `impl Error for` the type).
    pub fn root_scope_bounded(&self, id: DefId, bounded: &[bool]) -> Scope {
        let d = self.def(id);
        let m = self.defs[id].module;
        let params = d
            .generics
            .iter()
            .enumerate()
            .map(|(i, g)| {
                let error_bound = bounded.get(i).copied().unwrap_or(false)
                    || g.bounds.iter().any(|b| self.is_error_bound(m, b));
                (g.name.clone(), Bind::Symbolic { error_bound })
            })
            .collect();
        Scope::new(self.defs[id].file, m, params, None)
    }

    /// Whether a trait bound (as a path) written in module `m` is an error trait.
    pub fn is_error_bound(&self, m: ModId, bound: &[String]) -> bool {
        let Some(last) = bound.last() else {
            return false;
        };
        if matches!(last.as_str(), "Error" | "StdError" | "Diagnostic" | "Fail") {
            return true;
        }
        if bound.len() == 1
            && let Some(t) = self.modules[m].uses.get(last)
        {
            return t.last().is_some_and(|l| l == "Error");
        }
        false
    }

    /// Resolves a type one level: parameters and aliases are followed.
    pub fn node(&self, ty: &Ty, scope: &Scope) -> Node {
        self.node_depth(ty, scope, 0)
    }

    fn node_depth(&self, ty: &Ty, scope: &Scope, depth: usize) -> Node {
        if depth > 32 {
            return Node::Unknown;
        }
        match &ty.kind {
            TyKind::Path(p) => {
                if p.segs.len() == 1 && !p.global {
                    let name = p.segs[0].name.as_str();
                    if let Some(b) = scope.param(name) {
                        return match b {
                            Bind::To(t, s) => self.node_depth(t, s, depth + 1),
                            Bind::Symbolic { error_bound } => {
                                Node::Param(name.to_string(), *error_bound)
                            }
                            Bind::Unknown => Node::Unknown,
                        };
                    }
                    if name == "Self" {
                        return match &scope.0.self_ty {
                            Some((t, s)) => self.node_depth(t, s, depth + 1),
                            None => Node::Unknown,
                        };
                    }
                }
                let args: Vec<(Ty, Scope)> = p
                    .args()
                    .iter()
                    .map(|a| (a.clone(), scope.clone()))
                    .collect();
                match self.resolve(scope.module(), p) {
                    Res::Def(id) => {
                        if let Body::Alias(target) = &self.def(id).body {
                            let s = self.def_scope(id, &args);
                            return self.node_depth(target, &s, depth + 1);
                        }
                        Node::Def(id, args)
                    }
                    Res::Foreign(path) => {
                        let k = self.known.lookup(&path);
                        Node::Foreign(path, k, args)
                    }
                    Res::Unknown => Node::Unknown,
                }
            }
            TyKind::Tuple(elems) => {
                Node::Tuple(elems.iter().map(|e| (e.clone(), scope.clone())).collect())
            }
            TyKind::Array(e, len) => {
                let n = match len {
                    ArrayLen::Known(n) => Some(*n),
                    ArrayLen::Const(p) => self.const_value(scope.module(), p),
                    ArrayLen::Unknown => None,
                };
                Node::Array((**e).clone(), scope.clone(), n)
            }
            TyKind::Slice(e) => Node::Slice((**e).clone(), scope.clone()),
            TyKind::Ref(e) | TyKind::Ptr(e) => Node::Pointer(self.is_unsized(e, scope)),
            TyKind::FnPtr => Node::Pointer(false),
            TyKind::Dyn(_) | TyKind::Impl(_) => Node::Opaque,
            TyKind::Never => Node::Tuple(Vec::new()),
            TyKind::Other => Node::Unknown,
        }
    }

    fn is_unsized(&self, ty: &Ty, scope: &Scope) -> bool {
        match &ty.kind {
            TyKind::Slice(_) | TyKind::Dyn(_) => true,
            TyKind::Path(p) => {
                p.segs.len() == 1 && p.segs[0].name == "str" && scope.param("str").is_none()
                    || matches!(self.resolve(scope.module(), p), Res::Foreign(f) if f.last().is_some_and(|l| l == "str" || l == "CStr" || l == "OsStr" || l == "Path"))
            }
            _ => false,
        }
    }

    /// `true` when the type is the byte `u8`.
    pub fn is_byte(&self, ty: &Ty, scope: &Scope) -> bool {
        matches!(self.node(ty, scope), Node::Foreign(p, _, _) if known::is_byte(&p))
    }
}

/// Longest instantiation key kept: a type whose fully substituted text is longer than this is
/// not sized or walked further (an alias that doubles its argument at each level would
/// otherwise grow without bound).
pub const MAX_KEY_LEN: usize = 1024;

impl Program {
    /// The instantiation key of a type written in `scope`: its text with every generic parameter
    /// replaced by what it is bound to (recursively), each path tagged with the module it is
    /// resolved from. Two types with the same key have the same layout and contents. `None`
    /// when the key would be longer than [`MAX_KEY_LEN`].
    ///
    /// ```
    /// use errguard_lint::resolve::{Program, SourceFile};
    /// let index = errguard_lint::index_source("type P<T> = (T, T); struct S { p: P<u8> }").unwrap();
    /// let prog = Program::new(vec![SourceFile { path: "a.rs".into(), index }]);
    /// let s = prog.root_scope(1);
    /// let errguard_lint::index::Body::Struct(f) = &prog.def(1).body else { unreachable!() };
    /// assert_eq!(prog.instance_key(&f[0].ty, &s).unwrap(), "P<u8@0,>@0");
    /// ```
    pub fn instance_key(&self, ty: &Ty, scope: &Scope) -> Option<String> {
        let mut out = String::new();
        self.canon(ty, scope, &mut out, 0).then_some(out)
    }

    /// The instantiation key of a definition with its parameters bound as in `scope`.
    pub fn def_key(&self, id: DefId, scope: &Scope) -> Option<String> {
        let mut out = format!("#{id}<");
        for (_, b) in &scope.data().params {
            if !self.canon_bind(b, &mut out, 0) {
                return None;
            }
            out.push(',');
        }
        out.push('>');
        Some(out)
    }

    fn canon_bind(&self, b: &Bind, out: &mut String, depth: usize) -> bool {
        match b {
            Bind::To(t, s) => self.canon(t, s, out, depth + 1),
            Bind::Symbolic { error_bound } => {
                out.push_str(if *error_bound { "?E" } else { "?" });
                true
            }
            Bind::Unknown => {
                out.push('_');
                true
            }
        }
    }

    fn canon(&self, ty: &Ty, scope: &Scope, out: &mut String, depth: usize) -> bool {
        use std::fmt::Write;
        if out.len() > MAX_KEY_LEN || depth > 64 {
            return false;
        }
        let d = depth + 1;
        match &ty.kind {
            TyKind::Path(p) => {
                if p.segs.len() == 1 && !p.global {
                    let name = p.segs[0].name.as_str();
                    if let Some(b) = scope.param(name) {
                        return self.canon_bind(b, out, d);
                    }
                    if name == "Self" {
                        return match &scope.data().self_ty {
                            Some((t, s)) => self.canon(t, s, out, d),
                            None => {
                                out.push_str("Self");
                                true
                            }
                        };
                    }
                }
                if p.global {
                    out.push_str("::");
                }
                for (i, seg) in p.segs.iter().enumerate() {
                    if i > 0 {
                        out.push_str("::");
                    }
                    out.push_str(&seg.name);
                    if !seg.args.is_empty() {
                        out.push('<');
                        for a in &seg.args {
                            if !self.canon(a, scope, out, d) {
                                return false;
                            }
                            out.push(',');
                        }
                        out.push('>');
                    }
                }
                let _ = write!(out, "@{}", scope.module());
            }
            TyKind::Tuple(elems) => {
                out.push('(');
                for e in elems {
                    if !self.canon(e, scope, out, d) {
                        return false;
                    }
                    out.push(',');
                }
                out.push(')');
            }
            TyKind::Array(e, len) => {
                out.push('[');
                if !self.canon(e, scope, out, d) {
                    return false;
                }
                let _ = match len {
                    ArrayLen::Known(n) => write!(out, ";{n}]"),
                    ArrayLen::Const(p) => write!(out, ";{}@{}]", p.join("::"), scope.module()),
                    ArrayLen::Unknown => write!(out, ";_]"),
                };
            }
            TyKind::Slice(e) | TyKind::Ref(e) | TyKind::Ptr(e) => {
                out.push_str(match &ty.kind {
                    TyKind::Slice(_) => "[]",
                    TyKind::Ref(_) => "&",
                    _ => "*",
                });
                return self.canon(e, scope, out, d);
            }
            _ => {
                let _ = write!(out, "{ty}@{}", scope.module());
            }
        }
        out.len() <= MAX_KEY_LEN
    }
}

/// An estimated layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Bytes (a lower bound when not `exact`).
    pub bytes: u64,
    /// Alignment.
    pub align: u64,
    /// Every part was known.
    pub exact: bool,
    /// The size in bytes of the smallest scalar that has a niche (invalid values rustc can use
    /// for an enclosing enum's tag, so `Option<Self>` is the same size); 0 when there is none.
    pub niche: u64,
    /// How many invalid values the largest niche has (a pointer has one, `bool` 254, a
    /// capacity 2^63), saturating; 0 when there is none.
    pub niches: u64,
}

impl Size {
    const UNKNOWN: Size = Size {
        bytes: 0,
        align: 1,
        exact: false,
        niche: 0,
        niches: 0,
    };
    fn fixed(bytes: u64, align: u64, niche: u64, niches: u64) -> Size {
        Size {
            bytes,
            align,
            exact: true,
            niche,
            niches: if niche == 0 { 0 } else { niches },
        }
    }
}

fn round_up(n: u64, align: u64) -> u64 {
    let a = align.max(1);
    n.div_ceil(a).saturating_mul(a)
}

/// How many types one top-level sizing may visit before the rest counts as unknown (the size
/// is then reported as "at least").
pub const SIZE_STEPS: usize = 10_000;

/// Estimates inline sizes. Results are memoised on the instantiation (the definition or type
/// with its arguments substituted, see [`Program::instance_key`]); an instantiation met again
/// while it is being sized is a cycle and counts as unknown. A size that the depth limit or the
/// step budget cut short is not memoised: it depends on where and when it was met, and a later
/// root (the sizer serves them all) may compute it exactly. A size cut by a cycle is memoised:
/// the type is recursive wherever it is met.
pub struct Sizer<'p> {
    prog: &'p Program,
    cache: HashMap<String, Size>,
    in_progress: HashSet<String>,
    steps: usize,
    total: u64,
    /// Set when the depth limit or the step budget cut the current sizing short.
    cut: bool,
}

impl<'p> Sizer<'p> {
    /// A sizer over a program.
    pub fn new(prog: &'p Program) -> Self {
        Sizer {
            prog,
            cache: HashMap::new(),
            in_progress: HashSet::new(),
            steps: 0,
            total: 0,
            cut: false,
        }
    }

    /// Starts a new step budget ([`SIZE_STEPS`]) for the next top-level sizing.
    pub fn reset_budget(&mut self) {
        self.steps = 0;
    }

    /// Steps taken since the sizer was made (bounded by [`SIZE_STEPS`] per budget).
    pub fn total_steps(&self) -> u64 {
        self.total
    }

    fn step(&mut self) -> bool {
        if self.steps >= SIZE_STEPS {
            self.cut = true;
            return false;
        }
        self.steps += 1;
        self.total += 1;
        true
    }

    /// Looks `key` up, or computes it with `f` under cycle detection.
    fn memo(&mut self, key: Option<String>, f: impl FnOnce(&mut Self) -> Size) -> Size {
        let Some(key) = key else {
            return Size::UNKNOWN;
        };
        if let Some(s) = self.cache.get(&key) {
            return *s;
        }
        if !self.in_progress.insert(key.clone()) {
            return Size::UNKNOWN;
        }
        let outer = std::mem::replace(&mut self.cut, false);
        let s = f(self);
        let cut = self.cut;
        self.cut = outer || cut;
        self.in_progress.remove(&key);
        if !cut {
            self.cache.insert(key, s);
        }
        s
    }

    /// The size of a type written in `scope`.
    pub fn size(&mut self, ty: &Ty, scope: &Scope, depth: usize) -> Size {
        if depth > 48 {
            self.cut = true;
            return Size::UNKNOWN;
        }
        if !self.step() {
            return Size::UNKNOWN;
        }
        if matches!(ty.kind, TyKind::Path(_)) {
            let key = self.prog.instance_key(ty, scope);
            return self.memo(key, |this| {
                let node = this.prog.node(ty, scope);
                this.size_node(node, depth)
            });
        }
        let node = self.prog.node(ty, scope);
        self.size_node(node, depth)
    }

    /// The size of a definition with arguments.
    pub fn size_def(&mut self, id: DefId, scope: &Scope, depth: usize) -> Size {
        if !self.step() {
            return Size::UNKNOWN;
        }
        let key = self.prog.def_key(id, scope);
        self.memo(key, |this| this.size_def_uncached(id, scope, depth))
    }

    fn size_def_uncached(&mut self, id: DefId, scope: &Scope, depth: usize) -> Size {
        let sizes = |this: &mut Self, fields: &[crate::index::Field]| -> Vec<Size> {
            fields
                .iter()
                .map(|f| this.size(&f.ty, scope, depth + 1))
                .collect()
        };
        match &self.prog.def(id).body {
            Body::Struct(fields) => struct_size(&sizes(self, fields)),
            Body::Union(fields) => {
                let sizes = sizes(self, fields);
                let align = sizes.iter().map(|s| s.align).max().unwrap_or(1);
                Size {
                    bytes: round_up(sizes.iter().map(|s| s.bytes).max().unwrap_or(0), align),
                    align,
                    exact: sizes.iter().all(|s| s.exact),
                    niche: 0,
                    niches: 0,
                }
            }
            Body::Enum(variants) => {
                let vs: Vec<Vec<Size>> = variants.iter().map(|v| sizes(self, &v.fields)).collect();
                enum_size(&vs)
            }
            Body::Alias(t) => self.size(t, scope, depth + 1),
        }
    }

    fn size_node(&mut self, node: Node, depth: usize) -> Size {
        match node {
            Node::Def(id, args) => {
                let s = self.prog.def_scope(id, &args);
                self.size_def(id, &s, depth + 1)
            }
            Node::Foreign(_, None, _) => Size::UNKNOWN,
            Node::Foreign(_, Some(k), args) => {
                let arg = |this: &mut Self, i: usize| match args.get(i) {
                    Some((t, s)) => this.size(t, s, depth + 1),
                    None => Size::UNKNOWN,
                };
                match k.layout {
                    Layout::Fixed { size, align, niche } => {
                        // The niche is in the type's widest scalar: a pointer, a capacity, a
                        // `bool` or `char`. Its count is taken as large (more room for an
                        // enclosing enum's tag errs low), except for lone pointers.
                        let niches = if size == 8 && align == 8 { 1 } else { u64::MAX };
                        let niches = if size == 1 { 254 } else { niches };
                        Size::fixed(
                            size,
                            align,
                            if niche { align.min(size).max(1) } else { 0 },
                            niches,
                        )
                    }
                    Layout::Pointer => {
                        let fat = args
                            .first()
                            .is_some_and(|(t, s)| self.prog.is_unsized(t, s));
                        Size::fixed(if fat { 16 } else { 8 }, 8, 8, 1)
                    }
                    Layout::SameAsArg => arg(self, 0),
                    Layout::Option => {
                        let a = arg(self, 0);
                        enum_size(&[Vec::new(), vec![a]])
                    }
                    Layout::Result => {
                        let a = arg(self, 0);
                        let b = arg(self, 1);
                        enum_size(&[vec![a], vec![b]])
                    }
                    Layout::ArgPlus(n) => {
                        let a = arg(self, 0);
                        let align = a.align.max(8);
                        Size {
                            bytes: round_up(a.bytes + n, align),
                            align,
                            exact: a.exact,
                            niche: 0,
                            niches: 0,
                        }
                    }
                    Layout::Unknown => Size::UNKNOWN,
                }
            }
            Node::Param(..) | Node::Unknown | Node::Opaque => Size::UNKNOWN,
            Node::Tuple(elems) => {
                let sizes: Vec<Size> = elems
                    .iter()
                    .map(|(t, s)| self.size(t, s, depth + 1))
                    .collect();
                struct_size(&sizes)
            }
            Node::Array(e, s, n) => {
                let es = self.size(&e, &s, depth + 1);
                match n {
                    Some(n) => Size {
                        bytes: es.bytes.saturating_mul(n),
                        align: es.align,
                        exact: es.exact,
                        niche: if n > 0 { es.niche } else { 0 },
                        niches: if n > 0 { es.niches } else { 0 },
                    },
                    None => Size {
                        bytes: 0,
                        align: es.align,
                        exact: false,
                        niche: 0,
                        niches: 0,
                    },
                }
            }
            Node::Slice(..) => Size::UNKNOWN,
            Node::Pointer(fat) => Size::fixed(if fat { 16 } else { 8 }, 8, 8, 1),
        }
    }
}

/// A struct or tuple: rustc orders fields by decreasing alignment, so with power-of-two
/// alignments there is no padding between them, only at the end.
fn struct_size(fields: &[Size]) -> Size {
    let align = fields.iter().map(|s| s.align).max().unwrap_or(1);
    let sum = fields.iter().fold(0u64, |a, s| a.saturating_add(s.bytes));
    Size {
        bytes: round_up(sum, align),
        align,
        exact: fields.iter().all(|s| s.exact),
        // The smallest niche: assuming less room is taken keeps the enum estimate a lower bound.
        niche: fields
            .iter()
            .map(|s| s.niche)
            .filter(|&n| n > 0)
            .min()
            .unwrap_or(0),
        niches: fields.iter().map(|s| s.niches).max().unwrap_or(0),
    }
}

/// An enum, each variant given by its fields' sizes. rustc computes two layouts and keeps the
/// smaller: a tagged one (the tag at offset 0, each variant's fields after it in increasing
/// alignment so small fields fill the tag's padding) and a niche-filling one (the tag is an
/// invalid value of a scalar in the largest variant, the other variants fit around it). Where
/// the niche's exact position is unknown it is assumed to leave the most room, so the estimate
/// errs low, never high.
fn enum_size(variants: &[Vec<Size>]) -> Size {
    let structs: Vec<Size> = variants.iter().map(|v| struct_size(v)).collect();
    match structs.as_slice() {
        [] => return Size::fixed(0, 1, 0, 0),
        [one] => return *one,
        _ => {}
    }
    let exact = structs.iter().all(|s| s.exact);
    // The smallest integer that holds every discriminant.
    let tag: u64 = if variants.len() <= 256 {
        1
    } else if variants.len() <= 65_536 {
        2
    } else {
        4
    };
    let align = structs.iter().map(|s| s.align).max().unwrap_or(1).max(tag);
    let tagged_end = variants
        .iter()
        .map(|fields| {
            let mut fields = fields.clone();
            fields.sort_by_key(|f| f.align);
            fields
                .iter()
                .fold(tag, |off, f| round_up(off, f.align).saturating_add(f.bytes))
        })
        .max()
        .unwrap_or(tag);
    let tagged = round_up(tagged_end, align);
    let (big_i, big) = structs
        .iter()
        .enumerate()
        .max_by_key(|(_, s)| s.bytes)
        .map(|(i, s)| (i, *s))
        .expect("at least two variants");
    let others = variants.len() as u64 - 1;
    let niche_fits = big.niche > 0
        && big.niches >= others
        && structs
            .iter()
            .enumerate()
            .all(|(i, s)| i == big_i || s.bytes.saturating_add(big.niche) <= big.bytes);
    let niche_filled = round_up(big.bytes, align);
    if niche_fits && niche_filled <= tagged {
        Size {
            bytes: niche_filled,
            align,
            exact,
            niche: if big.niches > others { big.niche } else { 0 },
            niches: big.niches - others,
        }
    } else {
        let spare = (1u64 << (8 * tag)).saturating_sub(variants.len() as u64);
        Size {
            bytes: tagged,
            align,
            exact,
            niche: if spare > 0 { tag } else { 0 },
            niches: spare,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::index::index;
    use crate::parse::parse_items;

    fn prog(files: &[(&str, &str)]) -> Program {
        Program::new(
            files
                .iter()
                .map(|(p, s)| SourceFile {
                    path: PathBuf::from(p),
                    index: index(parse_items(s).unwrap()),
                })
                .collect(),
        )
    }

    fn size_of(p: &Program, name: &str) -> Size {
        let id = (0..p.defs.len()).find(|&i| p.def(i).name == name).unwrap();
        let s = p.root_scope(id);
        Sizer::new(p).size_def(id, &s, 0)
    }

    #[test]
    fn names_resolve_through_a_dense_web_of_glob_imports() {
        // 40 modules that all glob-import the crate root, which glob-re-exports all of them:
        // the shape of generated SDKs. A lookup must still find `Payload` through two globs,
        // and a name defined nowhere must come back `None` after visiting each module once
        // (a depth-limited search over every glob is 40^16 steps here).
        let mut root = String::new();
        for i in 0..40 {
            root.push_str(&format!("pub use m{i}::*;\n"));
            root.push_str(&format!(
                "pub mod m{i} {{ use crate::*; pub struct T{i}; }}\n"
            ));
        }
        root.push_str("pub mod payload { pub struct Payload(pub Vec<u8>); }\n");
        root.push_str("pub use payload::*;\n");
        let p = prog(&[("src/lib.rs", &root)]);
        let m39 = (0..p.modules.len())
            .find(|&m| p.modules[m].path == ["m39"])
            .unwrap();
        let found = p.lookup_in_module(m39, "Payload", 0);
        assert!(
            matches!(found, Some(Res::Def(id)) if p.def(id).name == "Payload"),
            "{found:?}"
        );
        assert!(p.lookup_in_module(m39, "Nowhere", 0).is_none());
    }

    #[test]
    fn crates_follow_mod_declarations() {
        let p = prog(&[
            ("c/src/lib.rs", "mod a; pub use a::Thing;"),
            ("c/src/a.rs", "pub mod b; pub struct Thing;"),
            ("c/src/a/b.rs", "pub struct Deep(crate::a::Thing);"),
            ("other.rs", "pub struct Thing;"),
        ]);
        let m = p.file_mod[2];
        assert_eq!(p.modules[m].path, ["a", "b"]);
        assert_eq!(p.modules[m].krate, 0);
        assert_eq!(p.modules[p.file_mod[3]].krate, 3);
        let deep = (0..p.defs.len())
            .find(|&i| p.def(i).name == "Deep")
            .unwrap();
        let Body::Struct(f) = &p.def(deep).body else {
            panic!()
        };
        let TyKind::Path(path) = &f[0].ty.kind else {
            panic!()
        };
        assert_eq!(p.resolve(m, path), Res::Def(0));
        assert_eq!(p.def(0).name, "Thing");
        assert_eq!(p.defs[0].file, 1);
    }

    /// Declares the types for real and as source text, so the estimate is compared with
    /// rustc's own `size_of` for the same definitions.
    macro_rules! layouts {
        ($($name:ident: $item:item)*) => {{
            $( #[allow(dead_code)] $item )*
            let src = stringify!($($item)*);
            vec![$((stringify!($name), std::mem::size_of::<$name>() as u64)),*]
                .into_iter()
                .map(|(n, real)| (n, real, src))
                .collect::<Vec<_>>()
        }};
    }

    #[test]
    #[cfg(target_pointer_width = "64")]
    fn enum_estimates_match_rustc_and_never_exceed_it() {
        use std::collections::HashMap;
        use std::time::Duration;
        let table = layouts! {
            S2: enum S2 { A(u8, [u64; 15]), B(u64) }
            T1: enum T1 { A(u64, u8), B }
            T2: enum T2 { A([u8; 100], u64), B(String) }
            T3: enum T3 { A { x: u8, y: u64 }, B { z: u16, w: u64 }, C }
            T4: enum T4 { A(u8, u8, [u32; 30]), B(u16) }
            N1: enum N1 { A(Box<str>), B(u64), C }
            N3: enum N3 { A(String), B(u64, u64) }
            N4: enum N4 { A(String), B(u64, u64, u64) }
            N7: enum N7 { A(bool, u64), B(u32) }
            N8: enum N8 { A(char), B(u16), C }
            N10: struct N10 { a: Option<Duration>, b: Option<bool> }
            N11: enum N11 { A(&'static str), B(u64) }
            N12: enum N12 { A([u64; 16], Box<u8>), B([u64; 15]) }
            N13: enum N13 { A(String, String), B(String) }
            N14: enum N14 { A(u8), B(u16), C(u32), D(u64) }
            N15: enum N15 { A(std::io::Error), B(String) }
            N16: struct N16 { a: Result<String, std::io::Error> }
            N17: struct N17 { a: Option<Result<u64, bool>> }
            N18: enum N18 { A(u128), B }
            N19: enum N19 { A(u8), B, C }
            N20: enum N20 { A(Vec<u8>, u8), B(HashMap<String, String>) }
            N21: enum N21 { A }
            N22: enum N22 { A(u32, [u8; 3]), B(u16, u8) }
        };
        let p = prog(&[("x.rs", table[0].2)]);
        let mut wrong = Vec::new();
        for (name, real, _) in &table {
            let est = size_of(&p, name);
            assert!(
                est.bytes <= *real,
                "{name}: estimated {} > rustc {real}",
                est.bytes
            );
            if est.bytes != *real {
                wrong.push(format!("{name}: {} vs {real}", est.bytes));
            }
        }
        assert!(wrong.is_empty(), "{wrong:?}");
    }

    #[test]
    fn generic_nests_are_sized_per_instantiation() {
        let p = prog(&[(
            "x.rs",
            "struct Pair<T> { a: T, b: T }
             struct E { p: Pair<Pair<[u64; 10]>> }
             type D<T> = (T, T);
             struct Deep { x: D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<D<u8>>>>>>>>>>>>>>>>>>>>>>>>>> }
             type R<T> = Result<(), (R<T>, R<T>)>;
             struct Cyc { r: R<u8> }
             type G<T> = Result<G<(T, T)>, G<Vec<T>>>;
             struct Grow { g: G<u8> }
",
        )]);
        let e = size_of(&p, "E");
        assert_eq!((e.bytes, e.exact), (320, true));
        let mut sizer = Sizer::new(&p);
        let id = (0..p.defs.len())
            .find(|&i| p.def(i).name == "Deep")
            .unwrap();
        let d = sizer.size_def(id, &p.root_scope(id), 0);
        assert_eq!((d.bytes, d.exact), (1 << 26, true));
        assert!(sizer.total_steps() < 1000, "{} steps", sizer.total_steps());
        // Cycles through an alias and arguments that grow at every level end, as "at least".
        for name in ["Cyc", "Grow"] {
            let mut sizer = Sizer::new(&p);
            let id = (0..p.defs.len()).find(|&i| p.def(i).name == name).unwrap();
            let s = sizer.size_def(id, &p.root_scope(id), 0);
            assert!(!s.exact, "{name}");
            assert!(sizer.total_steps() <= SIZE_STEPS as u64, "{name}");
        }
    }

    #[test]
    fn a_size_cut_short_for_one_root_is_not_reused_for_another() {
        // `Inner` is first met 40 levels down (past the depth limit once its own 10 levels are
        // added), then at the top of `Shallow`: there it must be sized exactly.
        let mut src = String::new();
        for i in 0..20 {
            src.push_str(&format!("struct S{i} {{ s: S{} }}\n", i + 1));
        }
        src.push_str("struct S20 { t: Inner }\nstruct Inner { u: U0 }\n");
        for i in 0..10 {
            src.push_str(&format!("struct U{i} {{ u: U{} }}\n", i + 1));
        }
        src.push_str("struct U10 { x: [u64; 4] }\nstruct Shallow { t: Inner }\n");
        let p = prog(&[("x.rs", &src)]);
        let id = |name: &str| (0..p.defs.len()).find(|&i| p.def(i).name == name).unwrap();
        let mut sizer = Sizer::new(&p);
        let deep = sizer.size_def(id("S0"), &p.root_scope(id("S0")), 0);
        assert!(!deep.exact);
        sizer.reset_budget();
        let shallow = sizer.size_def(id("Shallow"), &p.root_scope(id("Shallow")), 0);
        assert_eq!((shallow.bytes, shallow.exact), (32, true));
        // The same through the step budget: a root that spends it all first.
        let mut sizer = Sizer::new(&p);
        sizer.steps = SIZE_STEPS - 3;
        let starved = sizer.size_def(id("Inner"), &p.root_scope(id("Inner")), 0);
        assert!(!starved.exact);
        sizer.reset_budget();
        let again = sizer.size_def(id("Shallow"), &p.root_scope(id("Shallow")), 0);
        assert_eq!((again.bytes, again.exact), (32, true));
    }

    #[test]
    fn sizes() {
        let p = prog(&[(
            "x.rs",
            "struct A { a: String, b: u8 }\n\
             enum B { X(String), Y }\n\
             enum C { X([u8; 128]), Y }\n\
             struct D { a: Option<Box<A>>, b: Option<u64> }\n\
             struct E<T> { t: T, n: u64 }\n\
             enum F { A(String), B(String) }\n\
             struct G { h: HashMap<String, String>, e: std::io::Error, f: Box<str> }\n",
        )]);
        assert_eq!(size_of(&p, "A").bytes, 32);
        assert_eq!(size_of(&p, "B").bytes, 24);
        assert_eq!(size_of(&p, "C").bytes, 129);
        assert_eq!(size_of(&p, "D").bytes, 24);
        let e = size_of(&p, "E");
        assert_eq!((e.bytes, e.exact), (8, false));
        assert_eq!(size_of(&p, "F").bytes, 32);
        assert_eq!(size_of(&p, "G").bytes, 72);
    }
}
