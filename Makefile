# Zhili: `make run` builds and serves the demo on SQLite; `make test` runs
# every test on both backends; `make bench` measures.  See README.md.

CC       ?= cc
PKGS     := libmicrohttpd jansson sqlite3 libsodium libcrypto libpq xlsxwriter libzip expat libqrencode
CFLAGS   ?= -O2 -g
CFLAGS   += -std=gnu11 -D_GNU_SOURCE -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers -Wshadow -Wformat=2 \
            -D_FORTIFY_SOURCE=2 -fstack-protector-strong -pthread \
            -Isrc -I$(shell pg_config --includedir 2>/dev/null || echo /usr/include/postgresql) \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lmicrohttpd -ljansson -lsqlite3 -lsodium -lcrypto -lpq -lxlsxwriter -lzip -lexpat -lz -lqrencode) -lhpdf -pthread -lm

SRC      := $(shell find src -name '*.c' ! -name main.c | sort)
OBJ      := $(SRC:src/%.c=build/obj/%.o) build/obj/gen/migrations.o
MIGR     := $(sort $(wildcard src/db/migrations/*.sql))
UNIT_SRC := $(sort $(wildcard tests/unit/*.c))
WEB_SRC  := $(shell find web/src web/index.html web/vite.config.* web/package.json web/scripts -type f 2>/dev/null) docs/openapi.yaml

DB       ?= sqlite:var/zhili.db
LISTEN   ?= 127.0.0.1:8080

.PHONY: all deps web run test unit bench clean
all: build/zhili

deps:
	@bash scripts/deps.sh

build/obj/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

build/gen/migrations.c: $(MIGR) scripts/embed-migrations.sh
	@mkdir -p $(dir $@)
	bash scripts/embed-migrations.sh $@ $(MIGR)

build/obj/gen/migrations.o: build/gen/migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

build/libzhili.a: $(OBJ)
	ar rcs $@ $^

build/zhili: build/obj/main.o build/libzhili.a
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

build/unit-tests: $(UNIT_SRC) build/libzhili.a
	$(CC) $(CFLAGS) -Itests/unit -o $@ $(UNIT_SRC) build/libzhili.a $(LDLIBS) -lcmocka

web/dist/index.html: $(WEB_SRC)
	cd web && npm run build --silent
	@touch $@

web: web/dist/index.html

run: deps build/zhili web
	@mkdir -p var
	@./build/zhili migrate --db $(DB) >/dev/null
	@./build/zhili seed-demo --db $(DB)
	@echo "Zhili: open http://$(LISTEN)/  (staff console: http://$(LISTEN)/#/console)"
	@echo "Demo logins (password Zhili@2026): admin, bureau, finance, edu, auditor, staff; citizen: citizen"
	./build/zhili serve --listen $(LISTEN) --db $(DB) --web-root web/dist

# Where test results go: ZHILI_TEST_RESULTS, as tests/run-*.sh and tests/summary.sh read it.
RESULTS  := $(or $(ZHILI_TEST_RESULTS),build/test-results)

unit: build/unit-tests
	@mkdir -p $(RESULTS)
	@./build/unit-tests 2>&1 | tee $(RESULTS)/unit.log; \
	  p=$$(grep -c '^\[       OK \]' $(RESULTS)/unit.log); \
	  f=$$(grep -c '^\[  FAILED  \] test' $(RESULTS)/unit.log); \
	  echo "$$p $$f" > $(RESULTS)/unit.txt; test $$f -eq 0

test: deps build/zhili web
	@rm -rf $(RESULTS); mkdir -p $(RESULTS)
	-@$(MAKE) --no-print-directory unit
	-@bash tests/run-api.sh sqlite
	-@bash tests/run-api.sh postgresql
	-@bash tests/run-browser.sh
	@bash tests/summary.sh

bench: deps build/zhili web
	bash bench/run.sh

clean:
	rm -rf build

-include $(OBJ:.o=.d) build/obj/main.d
