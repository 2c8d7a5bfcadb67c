//! The search index's files: which there are for a hub of a given size, and
//! where each is written. The routes table adds these paths; `search::index`
//! fills them; `search-engine.js` reads them by the same names.

/// One file of the search index, under `search/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SearchFile {
    /// `index.json`: what every query loads first; small whatever the site's size.
    Manifest,
    /// `facets.json`: each page's theme, type, organisation, region and audience.
    Facets,
    /// `terms/<n>.json`: the words of one alphabetical range, each with what
    /// a query of that word alone shows.
    Terms(usize),
    /// `lists/<n>.json`: every page of each word of term shard `n`, with
    /// scores, read for any other query.
    Lists(usize),
    /// `near/<n>.json`: where on each page the words of a run of term shards
    /// stand, read only for a quoted phrase.
    Near(usize),
    /// `docs/<n>.json`: what a result shows of a run of pages.
    Docs(usize),
}

impl SearchFile {
    /// The output path, such as `search/terms/3.json`.
    pub fn path(self) -> String {
        match self {
            SearchFile::Manifest => "search/index.json".to_string(),
            SearchFile::Facets => "search/facets.json".to_string(),
            SearchFile::Terms(number) => format!("search/terms/{number}.json"),
            SearchFile::Lists(number) => format!("search/lists/{number}.json"),
            SearchFile::Near(number) => format!("search/near/{number}.json"),
            SearchFile::Docs(number) => format!("search/docs/{number}.json"),
        }
    }
}

/// How a site's search index is split into files: at most one file per
/// `PAGES_PER_FILE` pages, so a static host's cap on files is never near. A
/// small hub gets one file holding everything (`inline`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SearchPlan {
    /// Term shards, and as many files of their words' page lists.
    pub shards: usize,
    /// Position files: one for every `SHARDS_PER_NEAR` term shards.
    pub near: usize,
    pub chunks: usize,
    pub inline: bool,
}

impl SearchPlan {
    pub const PAGES_PER_FILE: usize = 50;
    /// Term shards whose positions share one file: a phrase is rarer than a
    /// word, so its files are fewer and larger.
    pub const SHARDS_PER_NEAR: usize = 2;

    pub fn for_pages(pages: usize) -> SearchPlan {
        let files = pages.div_ceil(Self::PAGES_PER_FILE).max(1);
        if files < 6 {
            return SearchPlan { shards: 1, near: 1, chunks: 1, inline: true };
        }
        // The manifest and the facets take two files. A query reads one term
        // shard per word (and its page lists unless it is one word alone) but
        // a result chunk per result its term shards do not hold, so chunks
        // get a share of the rest; positions a file per two shards.
        let rest = files - 2;
        let shards = (rest / 4).max(1);
        let near = shards.div_ceil(Self::SHARDS_PER_NEAR);
        SearchPlan { shards, near, chunks: rest - 2 * shards - near, inline: false }
    }

    /// The position file holding the words of term shard `shard`.
    pub fn near_of(self, shard: usize) -> usize {
        shard / Self::SHARDS_PER_NEAR
    }

    /// The term shards whose words position file `file` holds.
    pub fn near_shards(self, file: usize) -> std::ops::Range<usize> {
        let start = (file * Self::SHARDS_PER_NEAR).min(self.shards);
        start..((file + 1) * Self::SHARDS_PER_NEAR).min(self.shards)
    }

    /// Every file the index is written to.
    pub fn files(self) -> Vec<SearchFile> {
        if self.inline {
            return vec![SearchFile::Manifest];
        }
        let mut files = vec![SearchFile::Manifest, SearchFile::Facets];
        files.extend((0..self.shards).map(SearchFile::Terms));
        files.extend((0..self.shards).map(SearchFile::Lists));
        files.extend((0..self.near).map(SearchFile::Near));
        files.extend((0..self.chunks).map(SearchFile::Docs));
        files
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_index_files_stay_within_one_per_fifty_pages() {
        for pages in [0, 1, 40, 149, 199, 200, 201, 250, 251, 300, 1_000, 10_000, 100_000] {
            let plan = SearchPlan::for_pages(pages);
            let files = plan.files().len();
            assert!(files <= pages.div_ceil(SearchPlan::PAGES_PER_FILE).max(1), "{pages} pages: {files} files");
            assert!(plan.shards >= 1 && plan.chunks >= 1 && plan.near >= 1);
            assert_eq!(plan.inline, files == 1);
            if !plan.inline {
                assert!(plan.near_of(plan.shards - 1) < plan.near, "every shard has its position file: {plan:?}");
                for shard in 0..plan.shards {
                    assert!(plan.near_shards(plan.near_of(shard)).contains(&shard), "{plan:?}: shard {shard}");
                }
            }
        }
        assert!(SearchPlan::for_pages(250).inline);
        assert!(!SearchPlan::for_pages(251).inline);
        let big = SearchPlan::for_pages(10_000);
        assert!(big.chunks > big.shards, "results need more, smaller files than words: {big:?}");
    }
}
