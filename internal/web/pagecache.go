package web

import (
	"bytes"
	"container/list"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"golang.org/x/sync/singleflight"
)

// DefaultPageCacheBytes is the page cache's budget when --page-cache is not
// given (32 MB).
const DefaultPageCacheBytes = 32 << 20

// DefaultPageCacheCheck is how long a cached page is served before its
// signature is read again (the bound on how late another process's write
// shows; this process's own writes show at once).
const DefaultPageCacheCheck = time.Second

// Signature says which version of what a page shows a request would get: a
// cheap read (an indexed row, a counter, the unit tree's version) that moves
// with every write that changes the page. "" means "do not cache this one"
// (e.g. nothing found: the handler answers); an error means the same, the
// handler then meets it and answers with it.
type Signature func(r *http.Request) (string, error)

// CachedPage registers h for pattern behind this process's rendered-page
// cache: an anonymous GET or HEAD of a public page is answered from memory
// while sig returns what it returned when the page was rendered. The key is
// the path and query, the language and the signature; only a 200 whose
// handler set no cookie and wrote no form token is kept (pagecache.go).
// query names the parameters the page reads: a request with any other (or
// one twice) is answered by h and not kept, so made-up query strings cannot
// fill the cache with copies of one page.
func (s *Server) CachedPage(pattern string, sig Signature, h http.HandlerFunc, query ...string) {
	s.mux.Handle(pattern, s.pages.handler(sig, h, query, s.pageKey))
}

// knownQuery reports whether every parameter of the query is one of names,
// each at most once.
func knownQuery(raw string, names []string) bool {
	if raw == "" {
		return true
	}
	seen := 0
	for part := range strings.SplitSeq(raw, "&") {
		name, _, _ := strings.Cut(part, "=")
		i := slices.Index(names, name)
		if i < 0 || seen&(1<<i) != 0 {
			return false
		}
		seen |= 1 << i
	}
	return true
}

// SetPageCacheBytes sets the page cache's budget in bytes (keys, headers and
// bodies counted); 0 turns it off. Call it before the server serves.
func (s *Server) SetPageCacheBytes(n int64) { s.pages.setBudget(n) }

// PageCache is the rendered-page cache: in this process only (several
// servers each keep their own; nothing is shared, so nothing needs
// invalidating across them but the signatures). A page is served without
// reading its signature for up to the check time after it was last found
// current, unless this process handled an unsafe request since (Changed):
// this process's writes show at once, another's within the check time.
// Entries are evicted by CLOCK (a second chance for pages read since the hand
// last passed) until the bytes fit the budget. Readers take a read lock; a
// missing page is rendered once for all the requests waiting for it
// (singleflight on key and signature).
type PageCache struct {
	budget int64
	mu     sync.RWMutex
	m      map[string]*pageEntry
	ring   list.List     // the clock: every entry once
	hand   *list.Element // next to look at when evicting (nil: the front)
	bytes  int64
	flight singleflight.Group
	check  time.Duration // how long a signature read is trusted (SetPageCacheCheck)
	gen    atomic.Uint64 // unsafe requests handled (Changed)
	epoch  time.Time

	hits, misses, evictions prometheus.Counter
	size, count             prometheus.Gauge
}

// pageEntry is a stored answer; after it is stored only ref, gen and at
// change, its compressed copies are added once each, and size (under the
// cache's lock) grows by them.
type pageEntry struct {
	key, sig string
	header   http.Header // what the handler set (never a cookie)
	body     []byte
	length   string // Content-Length
	etag     string // its ETag ("": an answer not kept, sent once)
	status   int
	size     int64                        // what it counts against the budget
	coded    [2]atomic.Pointer[codedBody] // brotli, gzip: made when first asked for (PageCache.coded)
	ref      atomic.Bool
	gen      atomic.Uint64 // the write generation when the signature was last found current
	at       atomic.Int64  // and when (PageCache.now)
	el       *list.Element
}

// entryOverhead is what an entry costs beyond its strings and body: the
// struct, its map slot, its list element and the header map (measured with
// TestPageCacheCountsWhatItHolds: about 650 bytes, rounded up).
const entryOverhead = 768

func newPageCache(reg prometheus.Registerer) *PageCache {
	c := &PageCache{budget: DefaultPageCacheBytes, check: DefaultPageCacheCheck, epoch: time.Now(), m: map[string]*pageEntry{},
		hits:      prometheus.NewCounter(prometheus.CounterOpts{Name: "danchu_page_cache_hits_total", Help: "Public pages answered from the rendered-page cache."}),
		misses:    prometheus.NewCounter(prometheus.CounterOpts{Name: "danchu_page_cache_misses_total", Help: "Cacheable public pages rendered because the cache had no current copy."}),
		evictions: prometheus.NewCounter(prometheus.CounterOpts{Name: "danchu_page_cache_evictions_total", Help: "Pages dropped from the rendered-page cache to keep to its budget."}),
		size:      prometheus.NewGauge(prometheus.GaugeOpts{Name: "danchu_page_cache_bytes", Help: "Bytes held by the rendered-page cache (keys, headers and bodies)."}),
		count:     prometheus.NewGauge(prometheus.GaugeOpts{Name: "danchu_page_cache_entries", Help: "Pages held by the rendered-page cache."}),
	}
	reg.MustRegister(c.hits, c.misses, c.evictions, c.size, c.count)
	return c
}

func (c *PageCache) setBudget(n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.budget = max(n, 0)
	c.evictLocked(0)
}

// maxEntryShare: no page takes more than this part of the budget, so one
// large page cannot push out hundreds of small ones.
const maxEntryShare = 8

// cacheable reports whether r may be answered from the cache (and its
// answer stored): an anonymous GET or HEAD of a public address that carries
// no notice to show once.
func cacheable(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	if ViewerOf(r).SignedIn || IsPrivatePath(r.URL.Path) {
		return false
	}
	_, err := r.Cookie(noticeCookie)
	return err != nil
}

// pageKey is the language and the path with its query: the parts of a
// request an anonymous public page depends on (besides its signature); and,
// when no public address is set, the host, which the page's absolute links
// then name (BaseURL): a request with a made-up Host gets its own copy, never
// leaves it for others.
func (s *Server) pageKey(r *http.Request) string {
	if s.Public == "" {
		return requestLang(r) + " " + r.Host + " " + r.URL.RequestURI()
	}
	return requestLang(r) + " " + r.URL.RequestURI()
}

func (c *PageCache) handler(sig Signature, h http.HandlerFunc, query []string, pageKey func(*http.Request) string) http.Handler {
	if len(query) > 32 {
		panic("web.CachedPage: more than 32 query parameters")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if c.off() || !cacheable(r) || !knownQuery(r.URL.RawQuery, query) {
			h(w, r)
			return
		}
		key := pageKey(r)
		if e := c.trusted(key); e != nil {
			c.hits.Inc()
			e.write(w, r, c)
			return
		}
		gen := c.gen.Load() // before the signature: a write after it makes the entry checked again
		v, err := sig(r)
		if err != nil || v == "" {
			h(w, r)
			return
		}
		if e := c.get(key, v); e != nil {
			e.checked(gen, c.now())
			c.hits.Inc()
			e.write(w, r, c)
			return
		}
		c.misses.Inc()
		leader := false
		res, _, _ := c.flight.Do(key+"\x00"+v, func() (any, error) {
			leader = true
			if e := c.get(key, v); e != nil { // stored by a flight that ended after this request's look-up
				return flightResult{e, true}, nil
			}
			rec := &pageRecorder{header: http.Header{}}
			h(rec, r)
			e, ok := c.entry(key, v, rec, ViewerOf(r).issuedToken())
			if ok {
				e.checked(gen, c.now())
				c.put(e)
			}
			return flightResult{e, ok}, nil
		})
		f := res.(flightResult)
		switch {
		case leader:
			f.e.write(w, r, c)
		case f.ok:
			f.e.write(w, r, c) // rendered once for the requests waiting with this one
		default:
			h(w, r) // another request's answer (an error, a redirect) is not ours to repeat
		}
	})
}

// SetPageCacheCheck sets how long a cached page is served without reading
// its signature again, as long as this process has handled no unsafe
// request since (0: the signature is read on every request). Call it before
// the server serves.
func (s *Server) SetPageCacheCheck(d time.Duration) { s.pages.check = max(d, 0) }

// Changed makes every cached page read its signature again before it is
// served: the server calls it after each unsafe request (a form post, an API
// write), so what this process writes shows at once.
func (c *PageCache) Changed() { c.gen.Add(1) }

func (c *PageCache) now() int64 { return int64(time.Since(c.epoch)) }

// trusted returns the entry of key if its signature was read within the
// check time and no unsafe request was handled since.
func (c *PageCache) trusted(key string) *pageEntry {
	if c.check <= 0 {
		return nil
	}
	c.mu.RLock()
	e := c.m[key]
	c.mu.RUnlock()
	if e == nil || e.gen.Load() != c.gen.Load() || c.now()-e.at.Load() >= int64(c.check) {
		return nil
	}
	if !e.ref.Load() {
		e.ref.Store(true)
	}
	return e
}

// checked records that e's signature was found current at now, the write
// generation being gen.
func (e *pageEntry) checked(gen uint64, now int64) {
	e.gen.Store(gen)
	e.at.Store(now)
}

type flightResult struct {
	e  *pageEntry
	ok bool
}

func (c *PageCache) off() bool {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.budget <= 0
}

// get returns the entry of key if it was stored at signature sig.
func (c *PageCache) get(key, sig string) *pageEntry {
	c.mu.RLock()
	e := c.m[key]
	c.mu.RUnlock()
	if e == nil || e.sig != sig {
		return nil
	}
	if !e.ref.Load() {
		e.ref.Store(true)
	}
	return e
}

// entry makes the recorded answer an entry, and says whether it may be
// stored: a 200 whose handler set no cookie and whose body holds no form
// token (the viewer's: a cookie the middleware set before the handler ran is
// on the response, not in the recorder, and is not kept).
func (c *PageCache) entry(key, sig string, rec *pageRecorder, token string) (*pageEntry, bool) {
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	cc := rec.header.Get("Cache-Control")
	ok := rec.status == http.StatusOK && len(rec.header.Values("Set-Cookie")) == 0 &&
		!strings.Contains(cc, "private") && !strings.Contains(cc, "no-store") &&
		(token == "" || !bytes.Contains(rec.body, []byte(token)))
	e := &pageEntry{key: key, sig: sig, header: rec.header, body: rec.body, length: strconv.Itoa(len(rec.body)), status: rec.status}
	if !ok {
		return e, false // sent once as it is (the shell tags it, or not)
	}
	if e.header.Get("ETag") == "" {
		// The shell's tag of these bytes (delivery.go), made once: a hit
		// answers If-None-Match itself and the shell does not hash it again.
		e.header.Set("ETag", ETagOf(e.body))
	}
	e.etag = e.header.Get("ETag")
	e.size = entryOverhead + int64(len(key)+len(sig)+len(e.length)+cap(e.body))
	for k, vs := range e.header {
		e.size += int64(len(k))
		for _, v := range vs {
			e.size += int64(len(v))
		}
		e.header[k] = slices.Clip(vs) // an append downstream copies, never writes into a stored slice
	}
	c.mu.RLock()
	ok = e.size <= c.budget/maxEntryShare
	c.mu.RUnlock()
	return e, ok
}

// put stores e in place of any older entry of its key, evicting others until
// the bytes fit.
func (c *PageCache) put(e *pageEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[e.key]; old != nil {
		c.removeLocked(old)
	}
	c.evictLocked(e.size)
	if c.bytes+e.size > c.budget {
		return
	}
	if c.hand != nil {
		e.el = c.ring.InsertBefore(e, c.hand) // the hand reaches it last
	} else {
		e.el = c.ring.PushBack(e)
	}
	c.m[e.key] = e
	c.bytes += e.size
	c.size.Set(float64(c.bytes))
	c.count.Set(float64(len(c.m)))
}

// evictLocked turns the clock until room bytes more fit the budget: an entry
// read since the hand last passed is spared once (its mark cleared), any
// other is dropped.
func (c *PageCache) evictLocked(room int64) {
	for c.bytes+room > c.budget && c.ring.Len() > 0 {
		el := c.hand
		if el == nil {
			el = c.ring.Front()
		}
		e := el.Value.(*pageEntry)
		if e.ref.Load() {
			e.ref.Store(false)
			c.hand = el.Next()
			continue
		}
		c.removeLocked(e)
		c.evictions.Inc()
	}
	c.size.Set(float64(c.bytes))
	c.count.Set(float64(len(c.m)))
}

func (c *PageCache) removeLocked(e *pageEntry) {
	if c.hand == e.el {
		c.hand = e.el.Next()
	}
	c.ring.Remove(e.el)
	delete(c.m, e.key)
	c.bytes -= e.size
}

// write answers with the entry: its headers over the middleware's, its
// length, its body (none for HEAD); or 304 Not Modified
// to a request whose If-None-Match names its ETag. A client that takes
// brotli or gzip gets the entry's compressed copy, made the first time one
// is asked for and kept beside it (compressing a page costs several cache
// hits: ARCHITECTURE "Rendered-page cache").
func (e *pageEntry) write(w http.ResponseWriter, r *http.Request, c *PageCache) {
	hd := w.Header()
	for k, vs := range e.header {
		hd[k] = vs
	}
	if e.etag != "" {
		if inm := ifNoneMatch(r); inm != "" && NoneMatch(inm, e.etag) {
			delete(hd, "Content-Type") // as the shell's 304 (delivery.go)
			w.WriteHeader(http.StatusNotModified)
			return
		}
	}
	body, length := e.body, e.length
	if cb := c.coded(e, r); cb != nil {
		// Sent as it is by the compression middleware, which compresses
		// only what has no Content-Encoding yet.
		hd["Content-Encoding"] = []string{cb.enc}
		hd["Etag"] = []string{cb.etag}
		addVary(hd, "Accept-Encoding") // one Vary line, as the shell writes it (delivery.go)
		body, length = cb.body, cb.length
	}
	hd["Content-Length"] = []string{length}
	w.WriteHeader(e.status)
	if r.Method != http.MethodHead {
		w.Write(body)
	}
}

// codedBody is a kept page compressed in one coding.
type codedBody struct {
	enc, etag, length string
	body              []byte
}

// coded returns e's body in the coding r's Accept-Encoding picks (as the
// compression middleware would pick it, compress.go), compressing it the
// first time; nil when the identity body is what r gets (a coding not taken,
// a body too short or of a type not compressed, a Range request, an entry
// not kept).
func (c *PageCache) coded(e *pageEntry, r *http.Request) *codedBody {
	if e.etag == "" || len(e.body) < MinCompressLen || r.Header.Get("Range") != "" || !Compressible(e.header.Get("Content-Type")) {
		return nil
	}
	enc := negotiate(r.Header.Get("Accept-Encoding"))
	slot := 0
	switch enc {
	case encBrotli:
	case encGzip:
		slot = 1
	default:
		return nil
	}
	if cb := e.coded[slot].Load(); cb != nil {
		return cb
	}
	var buf bytes.Buffer
	zw := encoder(enc, &buf)
	if _, err := zw.Write(e.body); err != nil {
		zw.Close()
		return nil
	}
	if err := zw.Close(); err != nil {
		return nil
	}
	cb := &codedBody{enc: enc, etag: withSuffix(e.etag, enc), length: strconv.Itoa(buf.Len()), body: bytes.Clone(buf.Bytes())}
	if !e.coded[slot].CompareAndSwap(nil, cb) {
		return e.coded[slot].Load() // another request made it first
	}
	c.grow(e, int64(len(cb.body)+len(cb.etag)+len(cb.length)+len(cb.enc)+codedOverhead))
	return cb
}

// codedOverhead is what a compressed copy costs beyond its bytes and strings.
const codedOverhead = 96

// grow counts n more bytes of e against the budget, if e is still kept.
func (c *PageCache) grow(e *pageEntry, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[e.key] != e {
		return
	}
	e.size += n
	c.bytes += n
	c.evictLocked(0)
}

// pageRecorder keeps what a handler answers, to store and to send.
type pageRecorder struct {
	header http.Header
	status int
	body   []byte
}

func (p *pageRecorder) Header() http.Header { return p.header }

func (p *pageRecorder) WriteHeader(code int) {
	if p.status == 0 {
		p.status = code
	}
}

func (p *pageRecorder) Write(b []byte) (int, error) {
	if p.status == 0 {
		p.status = http.StatusOK
	}
	p.body = append(p.body, b...)
	return len(b), nil
}
