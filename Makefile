# Thin wrappers: CMake (presets) does the building, scripts/ the rest.
.PHONY: deps build build-bin build-fuzz run test bench clean

deps:
	@bash scripts/install-deps

build: deps
	@cmake --preset default >/dev/null
	@cmake --build --preset default

build-bin: deps
	@cmake --preset default >/dev/null
	@cmake --build --preset default --target powershare

build-fuzz: deps
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz

# Serves on 127.0.0.1:8080 with SQLite under var/, demo data and a simulated fleet.
run: build-bin
	@POWERSHARE_DEMO=$${POWERSHARE_DEMO:-true} POWERSHARE_SIM_STATIONS=$${POWERSHARE_SIM_STATIONS:-12} \
	  POWERSHARE_SIM_RETURN_AFTER_S=$${POWERSHARE_SIM_RETURN_AFTER_S:-120} ./build/powershare serve

test: build build-fuzz
	@bash scripts/run-tests

bench: build-bin
	@bash bench/run

clean:
	rm -rf build build-fuzz
