/* model.c — the model's storage: arena, vectors, interned strings,
 * diagnostics, and the public entry points that load and resolve. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "model.h"

const pm_loc pm_noloc = { UINT32_MAX, 0, 0 };

/* --- arena ----------------------------------------------------------------- */

struct pm_arena_block {
	pm_arena_block *next;
	size_t used, size;
	_Alignas(max_align_t) unsigned char data[];
};

/* Blocks double from ARENA_BLOCK up to ARENA_MAX: a small model keeps
 * small blocks, a big one gets few big ones, which take huge pages
 * (alloc.c) instead of a page fault every 4 KiB. */
#define ARENA_BLOCK ((size_t)256 * 1024)
#define ARENA_MAX ((size_t)16 << 20)

void *pm_arena_alloc(pm_model *m, size_t n)
{
	n = (n + 7) & ~(size_t)7;
	pm_arena_block *b = m->arena;
	if (!b || b->size - b->used < n) {
		size_t next = b ? (sizeof *b + b->size) * 2 : ARENA_BLOCK;
		next = next < ARENA_BLOCK ? ARENA_BLOCK : next > ARENA_MAX ? ARENA_MAX : next;
		/* header and data together make the power of two, so that a
		 * block fills its last huge page (alloc.c) instead of spilling
		 * a few bytes into one more */
		bool one_off = n > next / 4;
		size_t size = one_off ? n : next - sizeof *b;
		b = pm_xmalloc(m, sizeof *b + size);
		b->used = 0;
		b->size = size;
		if (!one_off || !m->arena) {
			b->next = m->arena;
			m->arena = b;
		} else {
			/* a big one-off block goes behind the current one, which
			 * still has room for small allocations */
			b->next = m->arena->next;
			m->arena->next = b;
		}
	}
	void *p = b->data + b->used;
	b->used += n;
	return p;
}

char *pm_arena_strdup(pm_model *m, const char *s, size_t len)
{
	char *p = pm_arena_alloc(m, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Formats straight into the free end of the current arena block, and only
 * when the text does not fit there formats it a second time: a big model's
 * findings are a hundred thousand messages. */
/* Whether fmt uses only %s, %.*s, %d, %u and %%: the conversions that
 * messages use, which simple_vformat() writes faster than vsnprintf (a
 * model of a million steps has a hundred thousand findings). */
static bool simple_format(const char *fmt)
{
	for (const char *f = fmt; (f = strchr(f, '%')) != NULL; f++) {
		f++;
		if (*f == '.' && f[1] == '*' && f[2] == 's')
			f += 2;
		else if (*f != 's' && *f != 'd' && *f != 'u' && *f != '%')
			return false;
	}
	return true;
}

/* fmt (simple_format) at o, at most room bytes with the NUL; the length,
 * or -1 when it does not fit. */
static int simple_vformat(char *o, size_t room, const char *fmt, va_list ap)
{
	size_t n = 0;
	char num[24];
	for (const char *f = fmt; *f; f++) {
		const char *s;
		size_t len;
		if (*f != '%') {
			s = f;
			const char *pct = strchr(f, '%');
			len = pct ? (size_t)(pct - f) : strlen(f);
			f += len - 1;
		} else if (*++f == '%') {
			s = f;
			len = 1;
		} else if (*f == 's') {
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			len = strlen(s);
		} else if (*f == '.') {
			int w = va_arg(ap, int);
			s = va_arg(ap, const char *);
			if (!s)
				return -1;  /* vsnprintf's business */
			len = w >= 0 ? strnlen(s, (size_t)w) : strlen(s);
			f += 2;
		} else {
			bool neg = false;
			uint64_t v;
			if (*f == 'd') {
				int d = va_arg(ap, int);
				neg = d < 0;
				v = neg ? (uint64_t)(-(int64_t)d) : (uint64_t)d;
			} else {
				v = va_arg(ap, unsigned);
			}
			char *e = num;
			if (neg)
				*e++ = '-';
			e = pm_put_decimal(e, v);
			s = num;
			len = (size_t)(e - num);
		}
		if (n + len >= room)
			return -1;
		memcpy(o + n, s, len);
		n += len;
	}
	o[n] = '\0';
	return n > INT32_MAX ? -1 : (int)n;
}

static char *arena_vprintf(pm_model *m, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	pm_arena_block *b = m->arena;
	size_t room = b ? b->size - b->used : 0;
	char *p = room ? (char *)b->data + b->used : NULL;
	int n = -1;
	if (room && simple_format(fmt)) {
		va_list ap3;
		va_copy(ap3, ap);
		n = simple_vformat(p, room, fmt, ap3);
		va_end(ap3);
	}
	if (n < 0)
		n = vsnprintf(p, room, fmt, ap);
	if (n < 0) {
		va_end(ap2);
		return pm_arena_strdup(m, "", 0);
	}
	if ((size_t)n < room) {   /* used and size are multiples of 8 */
		b->used += ((size_t)n + 8) & ~(size_t)7;
	} else {
		p = pm_arena_alloc(m, (size_t)n + 1);
		vsnprintf(p, (size_t)n + 1, fmt, ap2);
	}
	va_end(ap2);
	return p;
}

char *pm_put_decimal(char *o, uint64_t v)
{
	char tmp[20];
	size_t n = 0;
	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		*o++ = tmp[--n];
	return o;
}

/* v rounded to `digits` decimals (1 to 4) as printf's %.Nf rounds it (to
 * nearest, ties to even, on the exact binary value), trailing zeros
 * dropped, never "-0"; |v| * 10^digits < 1e15 (else false, nothing
 * written).  hi + lo is v * 10^digits exactly (fma), so only a tie of hi
 * needs lo to decide. */
bool pm_put_fixed(char *o, double v, unsigned digits)
{
	static const double scale[] = { 1, 1e1, 1e2, 1e3, 1e4 };
	double sc = scale[digits], hi = v * sc, lo = fma(v, sc, -hi);
	if (!(fabs(hi) < 1e15))
		return false;
	double k = nearbyint(hi), d = hi - k;
	if (d == 0.5 && lo > 0)
		k += 1;
	else if (d == -0.5 && lo < 0)
		k -= 1;
	int64_t r = (int64_t)k;
	uint64_t u = r < 0 ? 0 - (uint64_t)r : (uint64_t)r, den = (uint64_t)sc;
	uint64_t frac = u % den;
	if (r < 0)
		*o++ = '-';
	o = pm_put_decimal(o, u / den);
	if (frac) {
		while (frac % 10 == 0) {
			frac /= 10;
			digits--;
		}
		*o++ = '.';
		for (unsigned i = digits; i-- > 0; frac /= 10)
			o[i] = (char)('0' + frac % 10);
		o += digits;
	}
	*o = '\0';
	return true;
}

char *pm_arena_printf(pm_model *m, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	char *p = arena_vprintf(m, fmt, ap);
	va_end(ap);
	return p;
}

pm_chance *pm_arrow_add_chance(pm_model *m, pm_ix ai, pm_loc loc)
{
	pm_ix ci = m->chances.n;
	pm_chance *c = pm_vec_push(m, m->chances);
	c->text = 0;
	c->loc = loc;
	c->value = -1;
	m->arrows.v[ai].chance = ci;
	return c;
}

void pm_vec_grow_(pm_model *m, void **v, uint32_t *cap, size_t elem)
{
	uint32_t ncap = *cap ? *cap * 2 : 16;
	if (*cap >= UINT32_MAX / 2 - 1)
		pm_oom(m); /* beyond 32-bit indices: treat as out of memory */
	*v = pm_xrealloc(m, *v, (size_t)ncap * elem);
	*cap = ncap;
}

void pm_vec_reserve_(pm_model *m, void **v, uint32_t *cap, size_t elem, uint32_t n)
{
	if (n <= *cap)
		return;
	if (n >= UINT32_MAX / 2)
		pm_oom(m); /* beyond 32-bit indices: treat as out of memory */
	*v = pm_xrealloc(m, *v, (size_t)n * elem);
	*cap = n;
}

/* --- interned strings --------------------------------------------------------- */

/* The first 8 bytes of a string, zero-padded (the same way for every
 * string of a given length, which is all a comparison needs): at most
 * three loads, each inside the string, none a byte at a time. */
static inline uint64_t str_head(const char *s, size_t len)
{
	uint64_t w = 0;
	if (len >= 8) {
		memcpy(&w, s, 8);
	} else if (len >= 4) {
		uint32_t lo, hi;   /* overlapping: the same bytes or-ed twice */
		memcpy(&lo, s, 4);
		memcpy(&hi, s + len - 4, 4);
		w = lo | (uint64_t)hi << (8 * (len - 4));
	} else if (len > 0) {
		const unsigned char *u = (const unsigned char *)s;
		w = u[0] | (uint64_t)u[len / 2] << (8 * (len / 2)) |
		    (uint64_t)u[len - 1] << (8 * (len - 1));
	}
	return w;
}

/* The bytes after the head go in 8 at a time, the last 8 overlapping
 * the ones before when the length is not a multiple of 8. */
static inline uint64_t str_hash(const char *s, size_t len, uint64_t head)
{
	uint64_t h = (head ^ (0x9e3779b97f4a7c15u * (len + 1))) * 0xff51afd7ed558ccdu;
	h ^= h >> 32;
	if (len > 8) {
		uint64_t w;
		for (size_t i = 8; i + 8 < len; i += 8) {
			memcpy(&w, s + i, 8);
			h = (h ^ w) * 0xff51afd7ed558ccdu;
			h ^= h >> 32;
		}
		memcpy(&w, s + len - 8, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdu;
		h ^= h >> 32;
	}
	h ^= h >> 29;
	h *= 0xc4ceb9fe1a85ec53u;
	h ^= h >> 32;
	return h;
}

/* The hash's low 24 bits (its home slot in any table of up to 2^24 slots,
 * so growing the table needs no string) and the length up to 255. */
static inline uint32_t str_tag(uint64_t h, size_t len)
{
	return (uint32_t)h << 8 | (uint32_t)(len < 255 ? len : 255);
}

static void strtab_resize(pm_model *m, uint32_t nslots)
{
	pm_strtab *t = &m->strs;
	pm_strslot *slots = pm_xmalloc(m, (size_t)nslots * sizeof *slots);
	memset(slots, 0, (size_t)nslots * sizeof *slots);
	for (uint32_t s = 0; s < t->nslots; s++) {
		const pm_strslot *old = &t->slots[s];
		if (!old->id)
			continue;
		uint32_t i = old->tag >> 8;
		if (nslots > 1u << 24)
			i = (uint32_t)str_hash(t->str.v[old->id], t->len.v[old->id], old->head);
		i &= nslots - 1;
		while (slots[i].id)
			i = (i + 1) & (nslots - 1);
		slots[i] = *old;
	}
	pm_xfree(t->slots);
	t->slots = slots;
	t->nslots = nslots;
}

static void strtab_rehash(pm_model *m)
{
	strtab_resize(m, m->strs.nslots ? m->strs.nslots * 2 : 1024);
}

/* The slots an open-addressing table of `cap` slots (`least` when none)
 * needs for n keys at most 3/4 full: cap doubled as often as it takes. */
static uint32_t table_cap(pm_model *m, uint32_t cap, uint32_t least, uint32_t n)
{
	uint64_t ncap = cap ? cap : least;
	while ((uint64_t)n * 4 >= ncap * 3)
		ncap *= 2;
	if (ncap > 0x40000000u)
		pm_oom(m);
	return (uint32_t)ncap;
}

void pm_intern_reserve(pm_model *m, uint32_t n)
{
	pm_strtab *t = &m->strs;
	uint32_t nslots = table_cap(m, t->nslots, 1024, n);
	if (nslots > t->nslots)
		strtab_resize(m, nslots);
	pm_vec_reserve(m, t->str, n);
	pm_vec_reserve(m, t->len, n);
}

/* Whether a filled slot holds the string: up to 8 bytes, the slot tells.
 * Equal tags are equal lengths below 255, so only a longer string loads
 * its length (a cache miss of its own in a big model's table). */
static inline bool same_string(const pm_strtab *t, const pm_strslot *sl,
                               const pm_strslot *key, const char *s, size_t len)
{
	return sl->head == key->head && sl->tag == key->tag &&
	       (len <= 8 || ((len < 255 || t->len.v[sl->id] == len) &&
	                     memcmp(t->str.v[sl->id] + 8, s + 8, len - 8) == 0));
}

/* The slot holding the string, or the empty slot where it would go.  Hits
 * are the common case (ids repeat), so a string of up to 8 bytes is
 * matched from the slot alone. */
static inline pm_strslot *strtab_slot(const pm_strtab *t, const char *s, size_t len,
                               const pm_strslot *key, uint64_t hash)
{
	uint32_t i = (uint32_t)hash & (t->nslots - 1);
	for (;;) {
		pm_strslot *sl = &t->slots[i];
		if (!sl->id)
			return sl;
		if (same_string(t, sl, key, s, len))
			return sl;
		i = (i + 1) & (t->nslots - 1);
	}
}

/* The slot contents of a string (without its id) and its hash. */
static inline uint64_t str_key(const char *s, size_t len, pm_strslot *key)
{
	key->head = str_head(s, len);
	uint64_t hash = str_hash(s, len, key->head);
	key->tag = str_tag(hash, len);
	key->id = 0;
	return hash;
}

pm_str pm_str_find(const pm_model *m, const char *s, size_t len)
{
	if (len == 0 || !m->strs.nslots)
		return 0;
	pm_strslot key;
	uint64_t hash = str_key(s, len, &key);
	return strtab_slot(&m->strs, s, len, &key, hash)->id;
}

/* A string not in `recent`: found in the table, or added to it. */
static __attribute__((noinline)) pm_str intern_slow(pm_model *m, const char *s,
                                                    size_t len, pm_strslot *key,
                                                    uint64_t hash, pm_strslot *recent)
{
	pm_strtab *t = &m->strs;
	if ((uint64_t)(t->str.n + 1) * 4 >= (uint64_t)t->nslots * 3)
		strtab_rehash(m);
	pm_strslot *slot = strtab_slot(t, s, len, key, hash);
	if (slot->id) {
		*recent = *slot;
		return slot->id;
	}
	if (len > UINT32_MAX - 1)
		pm_oom(m);
	*pm_vec_push(m, t->len) = (uint32_t)len;
	*pm_vec_push(m, t->str) = pm_arena_strdup(m, s, len);
	key->id = t->str.n - 1;
	*slot = *key;
	*recent = *key;
	return key->id;
}

/* The hit in `recent` in few registers: most strings of a big model are
 * ids, durations and labels seen a moment ago.  (An empty slot of
 * `recent` matches nothing: its tag holds no length.) */
pm_str pm_intern(pm_model *m, const char *s, size_t len)
{
	if (len == 0)
		return 0;
	pm_strslot key;
	uint64_t hash = str_key(s, len, &key);
	pm_strslot *recent = &m->strs.recent[(hash >> 20) & (PM_STR_RECENT - 1)];
	if (same_string(&m->strs, recent, &key, s, len))
		return recent->id;
	return intern_slow(m, s, len, &key, hash, recent);
}

/* --- maps ------------------------------------------------------------------- */

static uint32_t key_hash(uint64_t k)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdu;
	k ^= k >> 33;
	return (uint32_t)k;
}

static inline uint64_t slot_key(const pm_map_slot *s)
{
	return (uint64_t)s->key_hi << 32 | s->key_lo;
}

static void map_resize(pm_model *m, pm_map *map, uint32_t ncap)
{
	pm_map_slot *slots = pm_xmalloc(m, (size_t)ncap * sizeof *slots);
	for (uint32_t i = 0; i < ncap; i++)
		slots[i].val = PM_NONE;
	for (uint32_t i = 0; i < map->cap; i++) {
		if (map->slots[i].val == PM_NONE)
			continue;
		uint32_t h = key_hash(slot_key(&map->slots[i])) & (ncap - 1);
		while (slots[h].val != PM_NONE)
			h = (h + 1) & (ncap - 1);
		slots[h] = map->slots[i];
	}
	pm_xfree(map->slots);
	map->slots = slots;
	map->cap = ncap;
}

/* Bytes of input per step, arrow, tool use and new string at the dense
 * end of what big models hold: .pmap's generator writes 87, 115, 132 and
 * 427, its YAML 104, 138, 158 and 509; a hand-written model, with
 * descriptions, has far more bytes a step.  A file of more than
 * PRESIZE_MIN bytes gets its vectors sized once from these, instead of
 * doubling (each doubling a copy into fresh pages): room it does not use
 * costs address space, not pages, and a short estimate grows by doubling
 * as usual.  Small files keep small vectors.  The string table is written
 * all over, so its estimate is a middling one: at worst it doubles once
 * more, or a tenth of the file's size is a table half empty. */
#define PRESIZE_MIN ((size_t)1 << 20)

void pm_presize(pm_model *m, size_t len, pm_input_format fmt)
{
	static const struct { size_t step, arrow, use, string; } per[] = {
		[PM_INPUT_PMAP] = { 64, 96, 100, 384 },
		[PM_INPUT_YAML] = { 76, 115, 120, 460 },
	};
	size_t i = fmt == PM_INPUT_YAML ? PM_INPUT_YAML : PM_INPUT_PMAP;
	if (len < PRESIZE_MIN || len / per[i].step >= UINT32_MAX / 4)
		return;
	pm_vec_reserve(m, m->steps, m->steps.n + (uint32_t)(len / per[i].step));
	pm_vec_reserve(m, m->arrows, m->arrows.n + (uint32_t)(len / per[i].arrow));
	pm_vec_reserve(m, m->uses, m->uses.n + (uint32_t)(len / per[i].use));
	pm_intern_reserve(m, m->strs.str.n + (uint32_t)(len / per[i].string));
}

void pm_map_reserve(pm_model *m, pm_map *map, uint32_t n)
{
	uint32_t ncap = table_cap(m, map->cap, 64, n);
	if (ncap > map->cap)
		map_resize(m, map, ncap);
}

uint32_t pm_map_put(pm_model *m, pm_map *map, uint64_t key, uint32_t val)
{
	if ((uint64_t)(map->n + 1) * 4 >= (uint64_t)map->cap * 3)
		pm_map_reserve(m, map, map->n + 1);
	uint32_t h = key_hash(key) & (map->cap - 1);
	while (map->slots[h].val != PM_NONE) {
		if (slot_key(&map->slots[h]) == key)
			return map->slots[h].val;
		h = (h + 1) & (map->cap - 1);
	}
	map->slots[h].key_hi = (uint32_t)(key >> 32);
	map->slots[h].key_lo = (uint32_t)key;
	map->slots[h].val = val;
	map->n++;
	return PM_NONE;
}

uint32_t pm_map_get(const pm_map *map, uint64_t key)
{
	if (!map->cap)
		return PM_NONE;
	uint32_t h = key_hash(key) & (map->cap - 1);
	while (map->slots[h].val != PM_NONE) {
		if (slot_key(&map->slots[h]) == key)
			return map->slots[h].val;
		h = (h + 1) & (map->cap - 1);
	}
	return PM_NONE;
}

void pm_map_set(pm_map *map, uint64_t key, uint32_t val)
{
	uint32_t h = key_hash(key) & (map->cap - 1);
	while (map->slots[h].val != PM_NONE) {
		if (slot_key(&map->slots[h]) == key) {
			map->slots[h].val = val;
			return;
		}
		h = (h + 1) & (map->cap - 1);
	}
}

void pm_map_free(pm_map *map)
{
	pm_xfree(map->slots);
	map->slots = NULL;
	map->cap = map->n = 0;
}

/* --- diagnostics ------------------------------------------------------------- */

pm_diag_rec *pm_diag_addv(pm_model *m, pm_severity sev, const char *rule,
                          pm_loc loc, const char *fmt, va_list ap)
{
	return pm_diag_add_msg(m, sev, rule, loc, arena_vprintf(m, fmt, ap));
}

pm_diag_rec *pm_diag_add_msg(pm_model *m, pm_severity sev, const char *rule,
                             pm_loc loc, const char *msg)
{
	pm_diag_rec *r = pm_vec_push(m, m->diags);
	memset(r, 0, sizeof *r);
	r->d.severity = sev;
	r->d.rule = rule;
	r->d.message = msg;
	r->seq = m->diags.n - 1;
	r->file = UINT32_MAX;
	if (loc.file != UINT32_MAX && loc.file < m->files.n) {
		r->file = loc.file;
		r->d.file = m->files.v[loc.file].name;
		r->d.line = loc.line;
		r->d.column = loc.col;
	}
	m->diags_sorted = false;
	return r;
}

pm_diag_rec *pm_diag_add(pm_model *m, pm_severity sev, const char *rule,
                         pm_loc loc, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	pm_diag_rec *r = pm_diag_addv(m, sev, rule, loc, fmt, ap);
	va_end(ap);
	return r;
}

pm_diag_rec *pm_error(pm_model *m, const char *rule, pm_loc loc,
                      const char *fmt, ...)
{
	if (m->stop)
		return NULL;
	if (m->nerrors == PM_MAX_ERRORS) {
		m->stop = true;
		pm_diag_add(m, PM_SEV_ERROR, "too-many-errors", loc,
		            "too many errors (%d), stopping", PM_MAX_ERRORS);
		return NULL;
	}
	m->nerrors++;
	va_list ap;
	va_start(ap, fmt);
	pm_diag_rec *r = pm_diag_addv(m, PM_SEV_ERROR, rule, loc, fmt, ap);
	va_end(ap);
	return r;
}

static int diag_cmp(const void *pa, const void *pb)
{
	const pm_diag_rec *a = pa, *b = pb;
	if (a->file != b->file)
		return a->file < b->file ? -1 : 1;
	if (a->d.line != b->d.line)
		return a->d.line < b->d.line ? -1 : 1;
	if (a->d.column != b->d.column)
		return a->d.column < b->d.column ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void pm_diag_sort(pm_model *m)
{
	if (m->diags_sorted)
		return;
	if (m->diags.n > 1)   /* qsort(NULL, 0, ...) is undefined */
		qsort(m->diags.v, m->diags.n, sizeof *m->diags.v, diag_cmp);
	m->diags_sorted = true;
}

/* --- names ------------------------------------------------------------------- */

/* "a.b.c" from interned parts, copied into the arena: findings and reports
 * ask for a million of these, so no printf. */
static const char *join_ids(pm_model *m, const pm_str *parts, unsigned n)
{
	size_t len = n - 1;
	for (unsigned k = 0; k < n; k++)
		len += pm_str_len(m, parts[k]);
	char *buf = pm_arena_alloc(m, len + 1), *o = buf;
	for (unsigned k = 0; k < n; k++) {
		if (k)
			*o++ = '.';
		memcpy(o, pm_str_get(m, parts[k]), pm_str_len(m, parts[k]));
		o += pm_str_len(m, parts[k]);
	}
	*o = '\0';
	return buf;
}

const char *pm_decimal_str(pm_model *m, double v)
{
	char buf[64];
	if (pm_put_fixed(buf, v, 2))
		return pm_arena_strdup(m, buf, strlen(buf));
	int n = snprintf(buf, sizeof buf, "%.2f", v);
	while (n > 0 && buf[n - 1] == '0')
		n--;
	if (n > 0 && buf[n - 1] == '.')
		n--;
	buf[n] = '\0';
	return strcmp(buf, "-0") == 0 ? "0" : pm_arena_strdup(m, buf, (size_t)n);
}

const char *pm_qualified_id(pm_model *m, pm_kind kind, pm_ix i)
{
	pm_str parts[3];
	unsigned n = 0;
	pm_ix proc = kind == PM_KIND_STEP ? m->steps.v[i].process : i;
	switch (kind) {
	case PM_KIND_SYSTEM:
		return pm_str_get(m, m->systems.v[i].id);
	case PM_KIND_PERSON:
		return pm_str_get(m, m->people.v[i].id);
	case PM_KIND_TOOL:
		return pm_str_get(m, m->tools.v[i].id);
	case PM_KIND_PROCESS:
	case PM_KIND_STEP:
		if (m->processes.v[proc].system != PM_NONE)
			parts[n++] = m->systems.v[m->processes.v[proc].system].id;
		parts[n++] = m->processes.v[proc].id;
		if (kind == PM_KIND_STEP)
			parts[n++] = m->steps.v[i].id;
		return n == 1 ? pm_str_get(m, parts[0]) : join_ids(m, parts, n);
	default:
		return "";
	}
}

/* --- public entry points ------------------------------------------------------ */

const char *pm_version(void)
{
	return PM_VERSION;
}

const char *pm_status_str(pm_status st)
{
	switch (st) {
	case PM_OK: return "ok";
	case PM_ERR_INPUT: return "input has errors";
	case PM_ERR_IO: return "input/output error";
	case PM_ERR_NOMEM: return "out of memory";
	case PM_ERR_USAGE: return "invalid argument";
	}
	return "unknown status";
}

const char *pm_severity_str(pm_severity sev)
{
	switch (sev) {
	case PM_SEV_INFO: return "info";
	case PM_SEV_WARNING: return "warning";
	case PM_SEV_ERROR: return "error";
	default: return "off";
	}
}

pm_model *pm_model_new(void)
{
	pm_model *m = pm_malloc(sizeof *m);
	if (!m)
		return NULL;
	memset(m, 0, sizeof *m);
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		pm_model_free(m);
		return NULL;
	}
	m->oom = &jb;
	/* id 0 is the empty string, which stands for "no string" */
	*pm_vec_push(m, m->strs.len) = 0;
	*pm_vec_push(m, m->strs.str) = "";
	strtab_rehash(m);
	m->oom = NULL;
	return m;
}

void pm_model_free(pm_model *m)
{
	if (!m)
		return;
	for (uint32_t i = 0; i < m->files.n; i++) {
		pm_xfree(m->files.v[i].name);
		pm_xfree(m->files.v[i].data);
		pm_xfree(m->files.v[i].lines);
	}
	pm_vec_free(m->files);
	pm_vec_free(m->people);
	pm_vec_free(m->tools);
	pm_vec_free(m->systems);
	pm_vec_free(m->processes);
	pm_vec_free(m->steps);
	pm_vec_free(m->uses);
	pm_vec_free(m->arrows);
	pm_vec_free(m->chances);
	pm_vec_free(m->flows);
	pm_vec_free(m->handoffs);
	pm_vec_free(m->ignores);
	pm_vec_free(m->diags);
	pm_vec_free(m->an.procs);
	pm_vec_free(m->an.people);
	pm_vec_free(m->an.crit_steps);
	pm_vec_free(m->an.visits);
	pm_map_free(&m->names_top);
	pm_map_free(&m->names_people);
	pm_map_free(&m->names_tools);
	pm_map_free(&m->names_procs);
	pm_map_free(&m->names_steps);
	pm_vec_free(m->strs.str);
	pm_vec_free(m->strs.len);
	pm_xfree(m->strs.slots);
	pm_arena_block *b = m->arena;
	while (b) {
		pm_arena_block *next = b->next;
		pm_xfree(b);
		b = next;
	}
	pm_xfree(m);
}

void pm_model_drop_sources(pm_model *m)
{
	for (uint32_t i = 0; i < m->files.n; i++) {
		pm_file *f = &m->files.v[i];
		pm_xfree(f->data);
		pm_xfree(f->lines);
		f->data = NULL;
		f->len = 0;
		f->lines = NULL;
		f->nlines = 0;
	}
}

uint32_t pm_model_add_file(pm_model *m, const char *name, char *data,
                           size_t len, pm_input_format fmt)
{
	if (m->files.n == m->files.cap) {
		/* grown by hand: `data` is not the model's until it is stored */
		uint32_t ncap = m->files.cap ? m->files.cap * 2 : 16;
		pm_file *v = pm_realloc(m->files.v, (size_t)ncap * sizeof *v);
		if (!v) {
			pm_free(data);
			pm_oom(m);
		}
		m->files.v = v;
		m->files.cap = ncap;
	}
	pm_file *f = &m->files.v[m->files.n++];
	f->data = data;      /* owned from here on, even if the copy fails */
	f->name = NULL;
	f->len = len;
	f->format = fmt;
	f->lines = NULL;
	f->nlines = 0;
	size_t nl = strlen(name);
	f->name = pm_xmalloc(m, nl + 1);
	memcpy(f->name, name, nl + 1);
	return m->files.n - 1;
}

static pm_input_format guess_format(const char *name, pm_input_format fmt)
{
	if (fmt != PM_INPUT_AUTO)
		return fmt;
	const char *dot = strrchr(name, '.');
	if (dot && (strcmp(dot, ".yaml") == 0 || strcmp(dot, ".yml") == 0))
		return PM_INPUT_YAML;
	return PM_INPUT_PMAP;
}

static pm_status load_added(pm_model *m, uint32_t file)
{
	if (m->files.v[file].format == PM_INPUT_YAML)
		return pm_parse_yaml(m, file);
	return pm_parse_pmap(m, file);
}

pm_status pm_model_load_buffer(pm_model *m, const char *name,
                               const char *data, size_t len,
                               pm_input_format fmt)
{
	if (!m || m->broken || !name || (!data && len))
		return m && m->broken ? PM_ERR_NOMEM : PM_ERR_USAGE;
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	char *copy = pm_xmalloc(m, len + 1);
	if (len)
		memcpy(copy, data, len);
	copy[len] = '\0';
	uint32_t file = pm_model_add_file(m, name, copy, len,
	                                  guess_format(name, fmt));
	pm_status st = load_added(m, file);
	m->oom = NULL;
	return st;
}

/* Reads a whole stream; NULL with errno set on failure.  A regular file is
 * read into a buffer of its size (one read, no regrowth); the spare byte
 * past the NUL finds out, without a copy, that the file did not grow. */
static char *read_stream(FILE *f, size_t *lenp)
{
	size_t cap = 1 << 16, len = 0;
	struct stat st;
	if (fstat(fileno(f), &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size < SIZE_MAX / 4)
		cap = (size_t)st.st_size + 2;
	char *buf = pm_malloc(cap);
	if (!buf) {
		errno = ENOMEM;
		return NULL;
	}
	for (;;) {
		if (cap - len < 2) {
			if (cap > SIZE_MAX / 2) {
				pm_free(buf);
				errno = EFBIG;
				return NULL;
			}
			char *nb = pm_realloc(buf, cap * 2);
			if (!nb) {
				pm_free(buf);
				errno = ENOMEM;
				return NULL;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + len, 1, cap - len - 1, f);
		len += got;
		if (got == 0) {
			if (ferror(f)) {
				int e = errno ? errno : EIO;
				pm_free(buf);
				errno = e;
				return NULL;
			}
			break;
		}
	}
	buf[len] = '\0';
	*lenp = len;
	return buf;
}

pm_status pm_model_load_file(pm_model *m, const char *path,
                             pm_input_format fmt)
{
	if (!m || !path)
		return PM_ERR_USAGE;
	if (m->broken)
		return PM_ERR_NOMEM;
	bool is_stdin = strcmp(path, "-") == 0;
	FILE *f = is_stdin ? stdin : fopen(path, "rb");
	char *data = NULL;
	size_t len = 0;
	int err = 0;
	if (!f) {
		err = errno;
	} else {
		errno = 0;
		data = read_stream(f, &len);
		err = errno;
		if (!is_stdin)
			fclose(f);
	}
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	if (!data) {
		if (err == ENOMEM)
			pm_oom(m);
		pm_diag_add(m, PM_SEV_ERROR, "io", pm_noloc,
		            "cannot read '%s': %s", path, strerror(err));
		m->oom = NULL;
		return PM_ERR_IO;
	}
	const char *name = is_stdin ? "<stdin>" : path;
	uint32_t file = pm_model_add_file(m, name, data, len,
	                                  guess_format(name, fmt));
	pm_status st = load_added(m, file);
	m->oom = NULL;
	return st;
}

pm_status pm_model_resolve(pm_model *m)
{
	if (!m)
		return PM_ERR_USAGE;
	if (m->broken)
		return PM_ERR_NOMEM;
	jmp_buf jb;
	if (setjmp(jb)) {
		m->oom = NULL;
		return PM_ERR_NOMEM;
	}
	m->oom = &jb;
	pm_status st = pm_resolve(m);
	m->oom = NULL;
	return st;
}

size_t pm_model_diag_count(const pm_model *m)
{
	return m ? m->diags.n : 0;
}

const pm_diag *pm_model_diag(pm_model *m, size_t i)
{
	if (!m || i >= m->diags.n)
		return NULL;
	pm_diag_sort(m);
	return &m->diags.v[i].d;
}

size_t pm_model_diag_count_at(const pm_model *m, pm_severity sev)
{
	size_t n = 0;
	for (uint32_t i = 0; m && i < m->diags.n; i++)
		n += m->diags.v[i].d.severity == sev && !m->diags.v[i].d.suppressed;
	return n;
}

pm_loc pm_elem_loc(const pm_model *m, pm_kind kind, pm_ix i)
{
	switch (kind) {
	case PM_KIND_SYSTEM: return m->systems.v[i].loc;
	case PM_KIND_PROCESS: return m->processes.v[i].loc;
	case PM_KIND_STEP: return m->steps.v[i].loc;
	case PM_KIND_PERSON: return m->people.v[i].loc;
	case PM_KIND_TOOL: return m->tools.v[i].loc;
	default: return pm_noloc;
	}
}

pm_str pm_elem_id(const pm_model *m, pm_kind kind, pm_ix i)
{
	switch (kind) {
	case PM_KIND_SYSTEM: return m->systems.v[i].id;
	case PM_KIND_PROCESS: return m->processes.v[i].id;
	case PM_KIND_STEP: return m->steps.v[i].id;
	case PM_KIND_PERSON: return m->people.v[i].id;
	case PM_KIND_TOOL: return m->tools.v[i].id;
	default: return 0;
	}
}

pm_str pm_elem_label(const pm_model *m, pm_kind kind, pm_ix i)
{
	switch (kind) {
	case PM_KIND_SYSTEM: return m->systems.v[i].label;
	case PM_KIND_PROCESS: return m->processes.v[i].label;
	case PM_KIND_STEP: return m->steps.v[i].label;
	case PM_KIND_PERSON: return m->people.v[i].label;
	case PM_KIND_TOOL: return m->tools.v[i].label;
	default: return 0;
	}
}

const char *pm_elem_word(const pm_model *m, pm_kind kind, pm_ix i)
{
	static const char *const words[] = { "system", "process", "step", "person", "tool" };
	if (kind == PM_KIND_PERSON && m->people.v[i].actor)
		return "actor";
	return (unsigned)kind < sizeof words / sizeof *words ? words[kind] : "element";
}

size_t pm_model_count(const pm_model *m, pm_kind kind)
{
	if (!m)
		return 0;
	switch (kind) {
	case PM_KIND_SYSTEM: return m->systems.n;
	case PM_KIND_PROCESS: return m->processes.n;
	case PM_KIND_STEP: return m->steps.n;
	case PM_KIND_PERSON: return m->people.n;
	case PM_KIND_TOOL: return m->tools.n;
	case PM_KIND_FLOW: return m->flows.n;
	case PM_KIND_HANDOFF: return m->handoffs.n;
	}
	return 0;
}

double pm_model_chance(const pm_model *m, pm_kind kind, size_t i)
{
	if (m && kind == PM_KIND_FLOW && i < m->flows.n)
		return m->flows.v[i].chance;
	if (m && kind == PM_KIND_HANDOFF && i < m->handoffs.n)
		return m->handoffs.v[i].chance;
	return -1;
}

const char *pm_model_title(const pm_model *m)
{
	return m && m->title ? pm_str_get(m, m->title) : NULL;
}
