// SPDX-License-Identifier: GPL-2.0
// Loader for hook.bpf.o using the system libbpf:
//   hook_loader OBJ PROGRAM COUNTER "TRIGGER COMMAND"
// Loads only PROGRAM from OBJ, attaches it (libbpf picks the attach type from
// the section name), runs the trigger command, then prints the value of the
// global COUNTER from the object's .bss and exits 0 if it is > 0.
// Exit codes: 0 hits seen, 1 attached but no hits, 2 open/load/attach error.
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	struct bpf_program *prog, *want = NULL;
	struct bpf_map *map, *bss = NULL;
	struct bpf_link *link;
	const struct btf *btf;
	const char *name;
	unsigned long long value;
	size_t size;
	char *data;
	int err, i, id;

	if (argc != 5) {
		fprintf(stderr, "usage: %s OBJ PROGRAM COUNTER TRIGGER\n", argv[0]);
		return 2;
	}
	libbpf_set_print(print_libbpf);
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		fprintf(stderr, "open %s: %s\n", argv[1], strerror(errno));
		return 2;
	}
	bpf_object__for_each_program(prog, obj) {
		if (strcmp(bpf_program__name(prog), argv[2]) == 0)
			want = prog;
		else
			bpf_program__set_autoload(prog, false);
	}
	if (!want) {
		fprintf(stderr, "no program %s in %s\n", argv[2], argv[1]);
		return 2;
	}
	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "load %s: %s\n", argv[2], strerror(-err));
		return 2;
	}
	link = bpf_program__attach(want);
	if (!link) {
		fprintf(stderr, "attach %s: %s\n", argv[2], strerror(errno));
		return 2;
	}
	err = system(argv[4]);
	if (err != 0)
		fprintf(stderr, "trigger command returned %d\n", err);

	bpf_object__for_each_map(map, obj) {
		name = bpf_map__name(map);
		if (strlen(name) >= 4 && strcmp(name + strlen(name) - 4, ".bss") == 0)
			bss = map;
	}
	if (!bss) {
		fprintf(stderr, "no .bss map\n");
		return 2;
	}
	// Read the whole .bss (a one-element array map) from the kernel, then
	// find COUNTER's offset in it through the object's BTF.
	size = bpf_map__value_size(bss);
	data = calloc(1, size);
	i = 0;
	if (!data || bpf_map__lookup_elem(bss, &i, sizeof(i), data, size, 0)) {
		fprintf(stderr, "cannot read .bss: %s\n", strerror(errno));
		return 2;
	}
	btf = bpf_object__btf(obj);
	id = btf__find_by_name_kind(btf, ".bss", BTF_KIND_DATASEC);
	if (id < 0) {
		fprintf(stderr, "no .bss in the object's BTF\n");
		return 2;
	}
	{
		const struct btf_type *sec = btf__type_by_id(btf, id);
		const struct btf_var_secinfo *vs = btf_var_secinfos(sec);

		for (i = 0; i < btf_vlen(sec); i++, vs++) {
			const struct btf_type *var = btf__type_by_id(btf, vs->type);

			if (strcmp(btf__name_by_offset(btf, var->name_off), argv[3]) == 0) {
				memcpy(&value, data + vs->offset, sizeof(value));
				printf("%s: %s = %llu\n", argv[2], argv[3], value);
				bpf_link__destroy(link);
				bpf_object__close(obj);
				return value > 0 ? 0 : 1;
			}
		}
	}
	fprintf(stderr, "no counter %s\n", argv[3]);
	return 2;
}
