package fetch

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"

	"github.com/observatory-net/observatory/internal/sources"
)

// maxPages bounds the pages of one file: a month of Spoofer sessions is
// some 30 pages of 1000, and a server that links pages in a circle must
// not keep a fetch going.
const maxPages = 10000

// hydraView is the part of a JSON-LD collection page that links to the
// next page (Hydra Core Vocabulary, as API Platform writes it).
type hydraView struct {
	View struct {
		Next string `json:"hydra:next"`
	} `json:"hydra:view"`
}

// followHydra completes part, which holds the first page of a paginated
// JSON-LD answer got from first: while the last page read links to a
// next one, that page is downloaded (with the file's headers, retries and
// mirror) and appended to part on a line of its own, so that the file is
// the pages in turn, as the Spoofer reader reads them. It returns the
// number of pages, or why the file is unusable: a page that cannot be
// fetched or read, a link that loops, or more than maxPages.
func (f *fetcher) followHydra(ctx context.Context, file sources.File, first, part string) (int, string) {
	seen := map[string]bool{first: true}
	cur, last := first, part
	page := part + ".page"
	defer os.Remove(page)
	for n := 1; ; n++ {
		next, err := nextPage(last)
		if err != nil {
			return n, fmt.Sprintf("page %d: %v", n, err)
		}
		if next == "" {
			return n, ""
		}
		base, err := url.Parse(cur)
		if err != nil {
			return n, fmt.Sprintf("page %d: %v", n, err)
		}
		ref, err := url.Parse(next)
		if err != nil {
			return n, fmt.Sprintf("page %d: hydra:next %q: %v", n, next, err)
		}
		u := base.ResolveReference(ref).String()
		switch {
		case seen[u]:
			return n, fmt.Sprintf("page %d: hydra:next %s links to an earlier page", n, u)
		case n >= maxPages:
			return n, fmt.Sprintf("more than %d pages", maxPages)
		}
		seen[u] = true
		os.Remove(page)
		st, reason, _ := f.download(ctx, file, sources.Location{URL: u}, page)
		if st != Fetched {
			return n, fmt.Sprintf("page %d (%s): %s", n+1, u, reason)
		}
		if err := appendFile(part, page); err != nil {
			return n, fmt.Sprintf("page %d: %v", n+1, err)
		}
		cur, last = u, page
	}
}

// nextPage returns the "hydra:next" link of the JSON-LD page in path, or
// "" on the last page.
func nextPage(path string) (string, error) {
	fh, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer fh.Close()
	var v hydraView
	if err := json.NewDecoder(fh).Decode(&v); err != nil {
		return "", fmt.Errorf("not a JSON-LD page: %w", err)
	}
	return v.View.Next, nil
}

// appendFile appends a newline and the content of src to dst.
func appendFile(dst, src string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	if _, err := out.Write([]byte{'\n'}); err != nil {
		out.Close()
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
