package view

import "sync"

// maxCached bounds a Cache: beyond it the cache starts again empty, so
// that a flood of distinct credentials cannot grow it without end.
const maxCached = 10000

// Cache is a bounded map of verified callers by credential (the API's
// keys by token, the dashboard's sessions by hash): what was verified is
// trusted for a while (KeyCacheTTL) without asking the store again. The
// caller stores when it verified in V and decides what is still usable.
type Cache[V any] struct {
	mu sync.Mutex
	m  map[string]V
}

// Get returns the value of k.
func (c *Cache[V]) Get(k string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.m[k]
	return v, ok
}

// Put remembers v under k.
func (c *Cache[V]) Put(k string, v V) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) > maxCached {
		c.m = map[string]V{}
	}
	c.m[k] = v
}

// Delete forgets k.
func (c *Cache[V]) Delete(k string) {
	c.mu.Lock()
	delete(c.m, k)
	c.mu.Unlock()
}

// Clear forgets everything: what was cached depends on what changed (the
// participants' ASNs of cached keys when the registry changes).
func (c *Cache[V]) Clear() {
	c.mu.Lock()
	c.m = nil
	c.mu.Unlock()
}
