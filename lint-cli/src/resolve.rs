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
        let d = self.def(id);
        let m = self.defs[id].module;
        let params = d
            .generics
            .iter()
            .map(|g| {
                let error_bound = g.bounds.iter().any(|b| self.is_error_bound(m, b));
                (g.name.clone(), Bind::Symbolic { error_bound })
            })
            .collect();
        Scope::new(self.defs[id].file, m, params, None)
    }

    fn is_error_bound(&self, m: ModId, bound: &[String]) -> bool {
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

/// An estimated layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size {
    /// Bytes (a lower bound when not `exact`).
    pub bytes: u64,
    /// Alignment.
    pub align: u64,
    /// Every part was known.
    pub exact: bool,
    /// Has a niche (so `Option<Self>` is the same size).
    pub niche: bool,
}

impl Size {
    const UNKNOWN: Size = Size {
        bytes: 0,
        align: 1,
        exact: false,
        niche: false,
    };
    fn fixed(bytes: u64, align: u64, niche: bool) -> Size {
        Size {
            bytes,
            align,
            exact: true,
            niche,
        }
    }
}

fn round_up(n: u64, align: u64) -> u64 {
    let a = align.max(1);
    n.div_ceil(a).saturating_mul(a)
}

/// Estimates inline sizes, with a cache for definitions without parameters.
pub struct Sizer<'p> {
    prog: &'p Program,
    cache: HashMap<DefId, Size>,
    in_progress: HashSet<DefId>,
}

impl<'p> Sizer<'p> {
    /// A sizer over a program.
    pub fn new(prog: &'p Program) -> Self {
        Sizer {
            prog,
            cache: HashMap::new(),
            in_progress: HashSet::new(),
        }
    }

    /// The size of a type written in `scope`.
    pub fn size(&mut self, ty: &Ty, scope: &Scope, depth: usize) -> Size {
        if depth > 48 {
            return Size::UNKNOWN;
        }
        let node = self.prog.node(ty, scope);
        self.size_node(node, depth)
    }

    /// The size of a definition with arguments.
    pub fn size_def(&mut self, id: DefId, scope: &Scope, depth: usize) -> Size {
        let generic = !self.prog.def(id).generics.is_empty();
        if !generic && let Some(s) = self.cache.get(&id) {
            return *s;
        }
        if !self.in_progress.insert(id) {
            return Size::UNKNOWN;
        }
        let s = match &self.prog.def(id).body {
            Body::Struct(fields) => {
                let sizes: Vec<Size> = fields
                    .iter()
                    .map(|f| self.size(&f.ty, scope, depth + 1))
                    .collect();
                struct_size(&sizes)
            }
            Body::Union(fields) => {
                let sizes: Vec<Size> = fields
                    .iter()
                    .map(|f| self.size(&f.ty, scope, depth + 1))
                    .collect();
                let align = sizes.iter().map(|s| s.align).max().unwrap_or(1);
                Size {
                    bytes: round_up(sizes.iter().map(|s| s.bytes).max().unwrap_or(0), align),
                    align,
                    exact: sizes.iter().all(|s| s.exact),
                    niche: false,
                }
            }
            Body::Enum(variants) => {
                let vs: Vec<Size> = variants
                    .iter()
                    .map(|v| {
                        let sizes: Vec<Size> = v
                            .fields
                            .iter()
                            .map(|f| self.size(&f.ty, scope, depth + 1))
                            .collect();
                        struct_size(&sizes)
                    })
                    .collect();
                enum_size(&vs)
            }
            Body::Alias(t) => self.size(t, scope, depth + 1),
        };
        self.in_progress.remove(&id);
        if !generic {
            self.cache.insert(id, s);
        }
        s
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
                    Layout::Fixed { size, align, niche } => Size::fixed(size, align, niche),
                    Layout::Pointer => {
                        let fat = args
                            .first()
                            .is_some_and(|(t, s)| self.prog.is_unsized(t, s));
                        Size::fixed(if fat { 16 } else { 8 }, 8, true)
                    }
                    Layout::SameAsArg => arg(self, 0),
                    Layout::Option => {
                        let a = arg(self, 0);
                        if a.niche {
                            a
                        } else {
                            Size {
                                bytes: round_up(a.bytes + 1, a.align),
                                align: a.align,
                                exact: a.exact,
                                niche: true,
                            }
                        }
                    }
                    Layout::Result => {
                        let a = arg(self, 0);
                        let b = arg(self, 1);
                        enum_size(&[a, b])
                    }
                    Layout::ArgPlus(n) => {
                        let a = arg(self, 0);
                        let align = a.align.max(8);
                        Size {
                            bytes: round_up(a.bytes + n, align),
                            align,
                            exact: a.exact,
                            niche: false,
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
                        niche: es.niche && n > 0,
                    },
                    None => Size {
                        bytes: 0,
                        align: es.align,
                        exact: false,
                        niche: false,
                    },
                }
            }
            Node::Slice(..) => Size::UNKNOWN,
            Node::Pointer(fat) => Size::fixed(if fat { 16 } else { 8 }, 8, true),
        }
    }
}

fn struct_size(fields: &[Size]) -> Size {
    let align = fields.iter().map(|s| s.align).max().unwrap_or(1);
    let sum = fields.iter().fold(0u64, |a, s| a.saturating_add(s.bytes));
    Size {
        bytes: round_up(sum, align),
        align,
        exact: fields.iter().all(|s| s.exact),
        niche: fields.iter().any(|s| s.niche),
    }
}

fn enum_size(variants: &[Size]) -> Size {
    if variants.is_empty() {
        return Size::fixed(0, 1, false);
    }
    let align = variants.iter().map(|s| s.align).max().unwrap_or(1);
    let exact = variants.iter().all(|s| s.exact);
    let tag: u64 = if variants.len() <= 256 { 1 } else { 2 };
    let (big_i, big) = variants
        .iter()
        .enumerate()
        .max_by_key(|(_, s)| s.bytes)
        .map(|(i, s)| (i, *s))
        .expect("not empty");
    if big.bytes == 0 {
        return Size {
            bytes: tag,
            align: tag,
            exact,
            niche: variants.len() < 256,
        };
    }
    let others_max = variants
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != big_i)
        .map(|(_, s)| s.bytes)
        .max()
        .unwrap_or(0);
    // Niche filling: the tag hides in the largest variant's niche when the others fit beside it.
    if big.niche && others_max + big.align.min(8) <= big.bytes {
        return Size {
            bytes: big.bytes,
            align,
            exact,
            niche: true,
        };
    }
    let with_tag = variants
        .iter()
        .map(|s| round_up(tag, s.align) + s.bytes)
        .max()
        .unwrap_or(0);
    Size {
        bytes: round_up(with_tag, align),
        align,
        exact,
        niche: true,
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
