//! Golden files: each recipe of a recipes file renders to a file that is compared
//! with the checked-in copy. Public so an office's own crate can golden-test its
//! own library the same way (see the README).

use crate::desk::Desk;
use crate::error::{Error, Result};
use crate::render::DraftRequest;
use crate::template::Format;
use crate::text::{normalize, word_diff};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One recipe: a named draft request, and optionally the letter it reproduces.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recipe {
    /// The golden file's stem (`000_dcdd2d49cfe08213` → `000_dcdd2d49cfe08213.txt`).
    pub name: String,
    /// The draft to render.
    pub draft: DraftRequest,
    /// The source letter this recipe reproduces, for provenance tests.
    #[serde(default)]
    pub seed: Option<SeedLetter>,
}

/// A source letter and what to leave out of it when comparing.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SeedLetter {
    /// The letter's file, relative to the recipes file.
    pub file: String,
    /// Lines of extraction debris to leave out (matched after normalising).
    #[serde(default)]
    pub debris: Vec<String>,
    /// Known wording differences, `[as in the letter, as in the library]`.
    #[serde(default)]
    pub variants: Vec<[String; 2]>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RecipesFile {
    recipe: Vec<Recipe>,
}

/// Reads a recipes file (`[[recipe]]` tables with a `[recipe.draft]` request each).
pub fn load_recipes(path: impl AsRef<Path>) -> Result<Vec<Recipe>> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| Error::io(path.display(), e))?;
    let file: RecipesFile = toml::from_str(&text).map_err(|e| Error::Syntax {
        at: crate::Location::at_offset(&path.display().to_string(), &text, e.span().map_or(0, |s| s.start)),
        message: e.message().to_string(),
    })?;
    Ok(file.recipe)
}

/// Compare with the golden files, or rewrite them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Compare; report mismatches.
    Compare,
    /// Rewrite every golden file with the rendered output.
    Update,
}

impl Mode {
    /// `Update` when the environment variable `UPDATE_GOLDEN` is `1`, else `Compare`.
    pub fn from_env() -> Mode {
        if std::env::var("UPDATE_GOLDEN").is_ok_and(|v| v == "1") { Mode::Update } else { Mode::Compare }
    }
}

/// A golden file that differs from what its recipe renders.
#[derive(Debug, Clone)]
pub struct Mismatch {
    /// The recipe.
    pub recipe: String,
    /// The golden file.
    pub path: PathBuf,
    /// What differs: a word diff (golden → rendered), or a note when only spacing differs.
    pub diff: String,
}

impl std::fmt::Display for Mismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.recipe, self.path.display(), self.diff)
    }
}

/// The golden file path of a recipe in `dir`.
pub fn golden_path(dir: &Path, recipe: &Recipe) -> PathBuf {
    let ext = match recipe.draft.format {
        Format::Text => "txt",
        Format::Markdown => "md",
        Format::Html => "html",
        Format::Json => "json",
    };
    dir.join(format!("{}.{ext}", recipe.name))
}

/// Renders one recipe as its golden file holds it.
pub fn render(desk: &Desk, recipe: &Recipe) -> Result<String> {
    let draft = desk.draft(&recipe.draft)?;
    Ok(if recipe.draft.format == Format::Json { draft.to_json() } else { draft.text })
}

/// Renders every recipe and compares it with `dir/<name>.<ext>` (or rewrites it in
/// [`Mode::Update`]). Returns the mismatches; a missing golden file is one.
pub fn check(desk: &Desk, recipes: &[Recipe], dir: &Path, mode: Mode) -> Result<Vec<Mismatch>> {
    let mut out = Vec::new();
    for recipe in recipes {
        let rendered = render(desk, recipe)?;
        let path = golden_path(dir, recipe);
        if mode == Mode::Update {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir.display(), e))?;
            std::fs::write(&path, &rendered).map_err(|e| Error::io(path.display(), e))?;
            continue;
        }
        let golden = match std::fs::read_to_string(&path) {
            Ok(g) => g,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                out.push(Mismatch {
                    recipe: recipe.name.clone(),
                    path,
                    diff: "no golden file (run with UPDATE_GOLDEN=1)".into(),
                });
                continue;
            }
            Err(e) => return Err(Error::io(path.display(), e)),
        };
        if golden != rendered {
            let diff = if normalize(&golden) == normalize(&rendered) {
                "same words, different spacing or line breaks".to_string()
            } else {
                word_diff(&golden, &rendered)
            };
            out.push(Mismatch { recipe: recipe.name.clone(), path, diff });
        }
    }
    Ok(out)
}

/// Test helper: loads `recipes`, checks every golden file in `dir` (honouring
/// `UPDATE_GOLDEN=1`), and panics with a word diff of each mismatch. For `cargo test`.
///
/// ```
/// use replydraft::golden::{self, Mode};
/// let dir = tempfile::tempdir().unwrap();
/// let recipes = dir.path().join("recipes.toml");
/// std::fs::write(&recipes, "[[recipe]]\nname = \"funding\"\n[recipe.draft]\n\
///     topic = \"care-funding\"\ndate = 2026-11-23\n").unwrap();
/// let desk = replydraft::Desk::new(replydraft::Library::embedded().unwrap());
/// // Write the golden file once (what UPDATE_GOLDEN=1 does), then compare against it.
/// let loaded = golden::load_recipes(&recipes).unwrap();
/// golden::check(&desk, &loaded, dir.path(), Mode::Update).unwrap();
/// golden::assert_golden(&desk, &recipes, dir.path());
/// ```
///
/// # Panics
/// When the recipes cannot be loaded or rendered, or any golden file differs.
pub fn assert_golden(desk: &Desk, recipes: impl AsRef<Path>, dir: impl AsRef<Path>) {
    let recipes = load_recipes(recipes).unwrap_or_else(|e| panic!("{e}"));
    let mismatches = check(desk, &recipes, dir.as_ref(), Mode::from_env()).unwrap_or_else(|e| panic!("{e}"));
    if !mismatches.is_empty() {
        let list: Vec<String> = mismatches.iter().map(ToString::to_string).collect();
        panic!("{} golden file(s) differ (UPDATE_GOLDEN=1 cargo test rewrites them):\n{}", list.len(), list.join("\n"));
    }
}
