// SPDX-License-Identifier: GPL-2.0
/*
 * cpmu: guest helper of the emu-cpmu test (the bench's CXL PMU emulation).
 *
 *   cpmu perf PMU TIMEOUT-MS
 *	Count Clock Ticks on the perf PMU PMU (a cxl_pmu_memX.Y of Linux's
 *	cxl_pmu driver) with perf_event_open(): read the count twice, then
 *	keep counting until the PMU's overflow interrupt ("PMU_overflow" in
 *	/proc/interrupts) fires or TIMEOUT-MS pass.  Also opens a CXL.mem
 *	event (M2S Req MemRd), which needs a Configurable Counter Unit.
 *	Prints KEY=VALUE lines for the shell.
 *
 *   cpmu hold PMU MS
 *	Count Clock Ticks on PMU for MS milliseconds of CLOCK_MONOTONIC (the
 *	time asleep does not pass), printing "sample MS COUNT" lines every
 *	100 ms (MS since the start, sleep included).
 *
 *   cpmu reg RESOURCE OFFSET [VALUE]
 *	Read (or write) the 64-bit register at OFFSET of a PCI BAR through
 *	its sysfs resource file; prints the value read, in hex.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define CXL_VENDOR_ID		0x1e98ULL
/* Event config as cxl_pmu's format: mask 0-31, gid 32-47, vid 48-63 */
#define CXL_EVENT(gid, mask)	((CXL_VENDOR_ID << 48) | ((uint64_t)(gid) << 32) | (mask))
#define CLOCK_TICKS		CXL_EVENT(0x00, 1 << 0)
#define M2S_REQ_MEMRD		CXL_EVENT(0x20, 1 << 1)

static int read_sysfs_int(const char *pmu, const char *attr, int *val)
{
	char path[256];
	FILE *f;
	int ok;

	snprintf(path, sizeof(path), "/sys/bus/event_source/devices/%s/%s", pmu, attr);
	f = fopen(path, "r");
	if (!f)
		return -1;
	ok = fscanf(f, "%d", val) == 1;
	fclose(f);
	return ok ? 0 : -1;
}

static int open_event(int type, int cpu, uint64_t config)
{
	struct perf_event_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.size = sizeof(attr);
	attr.type = type;
	attr.config = config;
	return syscall(SYS_perf_event_open, &attr, -1, cpu, -1, 0);
}

static int64_t read_count(int fd)
{
	uint64_t v;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return -1;
	return v;
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* Interrupts counted on the /proc/interrupts line whose action is @name */
static long irq_count(const char *name)
{
	char line[1024], *tok, *save;
	long total = -1, n;
	FILE *f = fopen("/proc/interrupts", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strstr(line, name))
			continue;
		total = 0;
		strtok_r(line, " \t\n", &save);		/* "NN:" */
		while ((tok = strtok_r(NULL, " \t\n", &save))) {
			char *end;

			n = strtol(tok, &end, 10);
			if (*end)
				break;
			total += n;
		}
		break;
	}
	fclose(f);
	return total;
}

static int cmd_perf(const char *pmu, long timeout_ms)
{
	char irq_name[256];
	int type, cpu, fd, fd2;
	int64_t c0, c1, t0, t1, count;
	long irq0, irq1, waited = 0;

	if (read_sysfs_int(pmu, "type", &type) || read_sysfs_int(pmu, "cpumask", &cpu)) {
		printf("error='no perf PMU %s'\n", pmu);
		return 1;
	}
	snprintf(irq_name, sizeof(irq_name), " %s_overflow", pmu);

	fd = open_event(type, cpu, CLOCK_TICKS);
	if (fd < 0) {
		printf("error='perf_event_open(clock_ticks): %s'\n", strerror(errno));
		return 1;
	}
	t0 = now_ns();
	c0 = read_count(fd);
	usleep(50000);
	t1 = now_ns();
	c1 = read_count(fd);
	printf("ticks0=%" PRId64 "\nticks1=%" PRId64 "\nelapsed_ns=%" PRId64 "\n",
	       c0, c1, t1 - t0);

	/* A configurable counter: the CXL.mem event is counted there */
	fd2 = open_event(type, cpu, M2S_REQ_MEMRD);
	printf("memrd_open=%d\n", fd2 < 0 ? errno : 0);
	if (fd2 >= 0) {
		printf("memrd=%" PRId64 "\n", read_count(fd2));
		close(fd2);
	}

	/* The counter wraps after 2^width ticks: the overflow interrupt */
	irq0 = irq_count(irq_name);
	irq1 = irq0;
	while (irq0 >= 0 && irq1 == irq0 && waited < timeout_ms) {
		usleep(50000);
		waited += 50;
		irq1 = irq_count(irq_name);
	}
	count = read_count(fd);
	printf("irq0=%ld\nirq1=%ld\nwaited_ms=%ld\ncount=%" PRId64 "\n",
	       irq0, irq1, waited, count);
	close(fd);
	return 0;
}

/*
 * Count Clock Ticks for @ms milliseconds of CLOCK_MONOTONIC (time asleep
 * does not pass), printing "sample MS COUNT" every 100 ms (MS: since the
 * start, CLOCK_BOOTTIME, which does count sleep).
 */
static int cmd_hold(const char *pmu, long ms)
{
	struct timespec ts;
	int64_t t0, b0, c;
	int type, cpu, fd;

	if (read_sysfs_int(pmu, "type", &type) || read_sysfs_int(pmu, "cpumask", &cpu)) {
		printf("error='no perf PMU %s'\n", pmu);
		return 1;
	}
	fd = open_event(type, cpu, CLOCK_TICKS);
	if (fd < 0) {
		printf("error='perf_event_open(clock_ticks): %s'\n", strerror(errno));
		return 1;
	}
	t0 = now_ns();
	clock_gettime(CLOCK_BOOTTIME, &ts);
	b0 = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
	while (now_ns() - t0 < ms * 1000000LL) {
		c = read_count(fd);
		clock_gettime(CLOCK_BOOTTIME, &ts);
		printf("sample %" PRId64 " %" PRId64 "\n",
		       (int64_t)(ts.tv_sec * 1000LL + ts.tv_nsec / 1000000) - b0, c);
		fflush(stdout);
		usleep(100000);
	}
	close(fd);
	return 0;
}

static int cmd_reg(const char *res, const char *offset, const char *value)
{
	unsigned long off = strtoul(offset, NULL, 0);
	long page = sysconf(_SC_PAGESIZE);
	unsigned long base = off & ~(page - 1);
	volatile uint64_t *reg;
	void *map;
	int fd;

	fd = open(res, value ? O_RDWR : O_RDONLY);
	if (fd < 0) {
		fprintf(stderr, "cpmu: %s: %s\n", res, strerror(errno));
		return 1;
	}
	map = mmap(NULL, page, PROT_READ | (value ? PROT_WRITE : 0), MAP_SHARED, fd, base);
	if (map == MAP_FAILED) {
		fprintf(stderr, "cpmu: mmap %s at %#lx: %s\n", res, base, strerror(errno));
		close(fd);
		return 1;
	}
	reg = (volatile uint64_t *)((char *)map + (off - base));
	if (value)
		*reg = strtoull(value, NULL, 0);
	printf("%#" PRIx64 "\n", *reg);
	munmap(map, page);
	close(fd);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "perf"))
		return cmd_perf(argv[2], strtol(argv[3], NULL, 0));
	if (argc == 4 && !strcmp(argv[1], "hold"))
		return cmd_hold(argv[2], strtol(argv[3], NULL, 0));
	if ((argc == 4 || argc == 5) && !strcmp(argv[1], "reg"))
		return cmd_reg(argv[2], argv[3], argc == 5 ? argv[4] : NULL);
	fprintf(stderr, "usage: cpmu perf PMU TIMEOUT-MS\n"
		"       cpmu hold PMU MS\n"
		"       cpmu reg RESOURCE OFFSET [VALUE]\n");
	return 2;
}
