//! Golden files: every recipe renders to its checked-in file, and every golden file
//! reproduces its seed letter.

use replydraft::golden::{self, Recipe};
use replydraft::text::{bare_words, normalize, paragraphs, word_ratio, words};
use replydraft::{Desk, Library};
use std::path::Path;

const RECIPES: &str = "seeds/recipes.toml";
const GOLDEN: &str = "tests/golden";

fn recipes() -> Vec<Recipe> {
    golden::load_recipes(RECIPES).expect("recipes load")
}

#[test]
fn every_recipe_renders_to_its_golden_file() {
    let desk = Desk::new(Library::embedded().unwrap());
    golden::assert_golden(&desk, RECIPES, GOLDEN);
}

#[test]
fn there_is_a_recipe_and_golden_file_for_every_seed_letter() {
    let names: Vec<String> = recipes().into_iter().map(|r| r.name).collect();
    for entry in std::fs::read_dir("seeds").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "txt") {
            let stem = path.file_stem().unwrap().to_string_lossy().to_string();
            assert!(names.contains(&stem), "no recipe for seed {stem}");
            assert!(Path::new(GOLDEN).join(format!("{stem}.txt")).exists(), "no golden file for {stem}");
        }
    }
}

/// The seed letter, normalised, without its extraction debris lines.
fn seed_text(recipe: &Recipe) -> String {
    let seed = recipe.seed.as_ref().expect("seed");
    let raw = std::fs::read_to_string(Path::new("seeds").join(&seed.file)).unwrap();
    let debris: Vec<String> = seed.debris.iter().map(|d| normalize(d)).collect();
    let kept: Vec<&str> = raw.lines().filter(|l| !debris.contains(&normalize(l))).collect();
    assert_eq!(raw.lines().count() - kept.len(), debris.len(), "{}: every debris line is found once", recipe.name);
    normalize(&kept.join("\n"))
}

#[test]
fn golden_files_reproduce_their_seed_letters() {
    let desk = Desk::new(Library::embedded().unwrap());
    for recipe in recipes() {
        let golden = std::fs::read_to_string(golden::golden_path(Path::new(GOLDEN), &recipe)).unwrap();
        let seed = seed_text(&recipe);
        let ratio = word_ratio(&words(&normalize(&golden)), &words(&seed));
        println!("{}: word similarity {ratio:.4}", recipe.name);
        assert!(ratio >= 0.97, "{}: word similarity {ratio:.4} < 0.97", recipe.name);

        // Body paragraphs, word for word: every block in the draft stands in the seed
        // letter as a run of words (case and punctuation aside), once the known
        // variants are applied to the letter.
        let mut seed_fixed = seed.clone();
        for [letter, library_form] in &recipe.seed.as_ref().unwrap().variants {
            assert!(seed_fixed.contains(letter.as_str()), "{}: variant `{letter}` not in the letter", recipe.name);
            seed_fixed = seed_fixed.replace(letter.as_str(), library_form);
        }
        let seed_words = format!(" {} ", bare_words(&seed_fixed).join(" "));
        let draft = desk.draft(&recipe.draft).unwrap();
        assert_eq!(draft.text, golden, "{}: draft and golden file agree", recipe.name);
        assert!(!draft.blocks.is_empty());
        for span in &draft.blocks {
            let block_words = bare_words(&draft.text[span.start..span.end]).join(" ");
            assert!(
                seed_words.contains(&format!(" {block_words} ")),
                "{}: block `{}` is not word for word in the letter:\n{}",
                recipe.name,
                span.id,
                replydraft::text::word_diff(&seed_fixed, &draft.text[span.start..span.end])
            );
        }
    }
}

#[test]
fn known_variants_are_real_differences_between_letters_and_blocks() {
    // Without the variants, the blocks do not match 001 word for word: the typo is real.
    let recipe = recipes().into_iter().find(|r| r.name.starts_with("001")).unwrap();
    let seed = format!(" {} ", bare_words(&seed_text(&recipe)).join(" "));
    let library = Library::embedded().unwrap();
    let text = library.block("review-recommendations").unwrap().text.clone();
    assert!(!seed.contains(&format!(" {} ", bare_words(&text).join(" "))));
}

#[test]
fn provenance_points_at_the_paragraph_each_block_was_taken_from() {
    let library = Library::embedded().unwrap();
    let mut checked = 0;
    for block in library.blocks() {
        // A refreshed block is new text: its provenance is that of the blocks it
        // brings up to date, each entry theirs.
        if !block.refreshes.is_empty() {
            let theirs: Vec<_> =
                block.refreshes.iter().flat_map(|id| library.block(id).unwrap().provenance.clone()).collect();
            assert!(!block.provenance.is_empty(), "refreshed block `{}` names no provenance", block.id);
            for p in &block.provenance {
                assert!(theirs.contains(p), "block `{}`: {p:?} is not a refreshed block's provenance", block.id);
            }
            checked += 1;
            continue;
        }
        // The literal words before any merge field or include.
        let prefix = block.text.split("{{").next().unwrap();
        let first = bare_words(prefix);
        if first.len() < 3 {
            continue;
        }
        let first = first[..first.len().min(6)].join(" ");
        for p in &block.provenance {
            let seed = std::fs::read_to_string(Path::new("seeds").join(&p.seed)).unwrap();
            let paras = paragraphs(&seed);
            let (s, e) = paras[p.paragraph - 1];
            let para = bare_words(&normalize(&seed[s..e])).join(" ");
            assert!(
                para.contains(&first),
                "block `{}`: paragraph {} of {} does not hold `{first}`",
                block.id,
                p.paragraph,
                p.seed
            );
            checked += 1;
        }
    }
    assert!(checked >= 30, "only {checked} provenance entries checked");
}

#[test]
fn a_sentence_shared_by_three_letters_exists_once() {
    let desk = Desk::new(Library::embedded().unwrap());
    let library = desk.library();
    let shared = "Proposals include setting up a new National Implementation Board";
    let holders: Vec<&str> =
        library.blocks().iter().filter(|b| b.text.contains(shared)).map(|b| b.id.as_str()).collect();
    assert_eq!(holders, ["nib-proposals"]);
    for id in ["response-welcome", "response-publication"] {
        assert_eq!(library.block(id).unwrap().includes, ["nib-proposals"]);
    }
    // 000 and 003 both reproduce it, through two different parent blocks.
    for r in recipes().iter().filter(|r| r.name.starts_with("000") || r.name.starts_with("003")) {
        let draft = desk.draft(&r.draft).unwrap();
        let span = draft.blocks.iter().find(|b| b.id == "nib-proposals").expect("nested span");
        assert!(draft.text[span.start..span.end].starts_with(shared));
        assert!(span.parent.is_some());
    }
}
