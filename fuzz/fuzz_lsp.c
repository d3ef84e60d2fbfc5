/* fuzz_lsp.c — the language server's message handling: the input is what
 * a client writes to `procmap lsp` (frames, headers, JSON, positions,
 * edits, requests in any order), served from a file to /dev/null.  The
 * server must neither crash, nor leak, nor hang on it.  Seeds are the
 * sessions in tests/lsp/. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lsp/lsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int null_fd = -1;
	if (null_fd < 0)
		null_fd = open("/dev/null", O_WRONLY);
	int fd = memfd_create("lsp-input", 0);
	if (fd < 0 || null_fd < 0)
		abort();
	for (size_t off = 0; off < size; ) {
		ssize_t w = write(fd, data + off, size - off);
		if (w <= 0)
			abort();
		off += (size_t)w;
	}
	lseek(fd, 0, SEEK_SET);
	int rc = lsp_serve(fd, null_fd);
	close(fd);
	if (rc != 0 && rc != 1)
		abort();
	return 0;
}
