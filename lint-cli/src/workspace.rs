//! `--workspace` and `--manifest-path`: the packages of a cargo workspace, from
//! `cargo metadata --format-version 1 --no-deps` (read with `serde_json`, which the crate already
//! uses, rather than the `cargo_metadata` crate and its dependencies: four fields are needed).
//!
//! Each package is scanned through the folders of its targets' `src_path` (`src/`, `tests/`,
//! `benches/`, `examples/`, de-duplicated); a target whose file sits in the package's own folder
//! (a `build.rs`) is scanned as that one file, so the package folder (which may hold other
//! members) is never walked whole. Findings are attributed to the package whose folders hold
//! their file.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde::Deserialize;

use crate::Report;

/// One package to scan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    /// The package name.
    pub name: String,
    /// Its `Cargo.toml`.
    pub manifest: PathBuf,
    /// The folders (and single files) to scan, relative to the current folder when inside it.
    pub roots: Vec<PathBuf>,
}

/// The packages to scan and their workspace's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Workspace {
    /// `cargo metadata`'s `workspace_root` (absolute).
    pub root: PathBuf,
    /// The packages.
    pub packages: Vec<Package>,
}

#[derive(Deserialize)]
struct Metadata {
    packages: Vec<MPackage>,
    workspace_members: Vec<String>,
    workspace_root: PathBuf,
}

#[derive(Deserialize)]
struct MPackage {
    name: String,
    id: String,
    manifest_path: PathBuf,
    targets: Vec<MTarget>,
}

#[derive(Deserialize)]
struct MTarget {
    src_path: PathBuf,
}

/// Runs `cargo metadata` and returns the packages to scan: every member with `workspace`, else
/// the package of `manifest_path` (every member when it is a virtual manifest). An `Err` holds
/// the message to print (cargo's own stderr when it failed).
pub fn packages(manifest_path: Option<&Path>, workspace: bool) -> Result<Workspace, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args(["metadata", "--format-version", "1", "--no-deps"]);
    if let Some(m) = manifest_path {
        cmd.arg("--manifest-path").arg(m);
    }
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run `cargo metadata`: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "`cargo metadata` failed:\n{}",
            String::from_utf8_lossy(&out.stderr).trim_end()
        ));
    }
    let meta: Metadata = serde_json::from_slice(&out.stdout)
        .map_err(|e| format!("cannot read `cargo metadata` output: {e}"))?;
    let root = meta.workspace_root.clone();
    Ok(Workspace {
        root,
        packages: select(meta, manifest_path, workspace),
    })
}

fn select(meta: Metadata, manifest_path: Option<&Path>, workspace: bool) -> Vec<Package> {
    let members: Vec<MPackage> = meta
        .packages
        .into_iter()
        .filter(|p| meta.workspace_members.contains(&p.id))
        .collect();
    let wanted = manifest_path
        .filter(|_| !workspace)
        .and_then(|m| std::fs::canonicalize(m).ok());
    let chosen: Vec<&MPackage> = match &wanted {
        Some(m) if members.iter().any(|p| same(&p.manifest_path, m)) => members
            .iter()
            .filter(|p| same(&p.manifest_path, m))
            .collect(),
        _ => members.iter().collect(),
    };
    chosen.into_iter().map(package).collect()
}

fn same(a: &Path, b: &Path) -> bool {
    std::fs::canonicalize(a).is_ok_and(|a| a == b)
}

fn package(p: &MPackage) -> Package {
    let dir = p.manifest_path.parent().unwrap_or(Path::new(""));
    let mut roots: Vec<PathBuf> = Vec::new();
    for t in &p.targets {
        let folder = t.src_path.parent().unwrap_or(Path::new(""));
        let root = if folder == dir {
            t.src_path.clone()
        } else {
            folder.to_path_buf()
        };
        let root = shown(root);
        if !roots.contains(&root) {
            roots.push(root);
        }
    }
    // A folder inside another of the same package is scanned through the outer one.
    let all = roots.clone();
    roots.retain(|r| !all.iter().any(|o| o != r && r.starts_with(o)));
    roots.sort();
    Package {
        name: p.name.clone(),
        manifest: shown(p.manifest_path.clone()),
        roots,
    }
}

fn shown(p: PathBuf) -> PathBuf {
    match std::env::current_dir() {
        // Run from inside a root (`beta/src`): that root is `.`, not an empty path.
        Ok(cwd) if p == cwd => PathBuf::from("."),
        Ok(cwd) => p.strip_prefix(&cwd).map(Path::to_path_buf).unwrap_or(p),
        Err(_) => p,
    }
}

/// Every package's roots, in order, de-duplicated across packages.
pub fn scan_paths(packages: &[Package]) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    for p in packages {
        for r in &p.roots {
            if !out.contains(r) {
                out.push(r.clone());
            }
        }
    }
    out
}

/// Sets each finding's `package`: the package with the longest root that holds its file.
pub fn attribute(report: &mut Report, packages: &[Package]) {
    for f in &mut report.findings {
        f.package = packages
            .iter()
            .flat_map(|p| p.roots.iter().map(move |r| (r, &p.name)))
            .filter(|(r, _)| f.file.starts_with(r))
            .max_by_key(|(r, _)| r.components().count())
            .map(|(_, n)| n.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_from_targets() {
        let meta: Metadata = serde_json::from_str(
            r#"{"packages":[
                {"name":"a","id":"a 0.1","manifest_path":"/w/a/Cargo.toml","targets":[
                    {"src_path":"/w/a/src/lib.rs"},{"src_path":"/w/a/src/bin/x.rs"},
                    {"src_path":"/w/a/tests/t.rs"},{"src_path":"/w/a/build.rs"}]},
                {"name":"b","id":"b 0.1","manifest_path":"/w/b/Cargo.toml","targets":[
                    {"src_path":"/w/b/src/main.rs"}]},
                {"name":"dep","id":"dep 1","manifest_path":"/r/dep/Cargo.toml","targets":[]}],
              "workspace_members":["a 0.1","b 0.1"],"workspace_root":"/w"}"#,
        )
        .unwrap();
        let ps = select(meta, None, true);
        assert_eq!(ps.len(), 2);
        let roots: Vec<&str> = ps[0].roots.iter().map(|r| r.to_str().unwrap()).collect();
        assert_eq!(roots, ["/w/a/build.rs", "/w/a/src", "/w/a/tests"]);
        let mut r = Report::default();
        r.findings.push(crate::Finding {
            rule: crate::Rule::HeapBuffer,
            level: crate::Level::Deny,
            type_name: "E".into(),
            file: "/w/b/src/main.rs".into(),
            relative_path: "b/src/main.rs".into(),
            line: 1,
            column: 1,
            message: String::new(),
            chain: Vec::new(),
            returned_by: 0,
            source_line: None,
            fingerprint: String::new(),
            package: None,
        });
        attribute(&mut r, &ps);
        assert_eq!(r.findings[0].package.as_deref(), Some("b"));
    }
}
