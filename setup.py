"""Thin shim: every extension (pybind11 core and Cython kernels) is built by CMakeLists.txt.

Set TROPGEOM_BUILD_DIR to keep one CMake build tree across builds (the Makefile does, so ctest can
run in it); TROPGEOM_BUILD_TESTS=1 also builds the C++ unit tests; TROPGEOM_JOBS sets parallelism.
"""
import os
import subprocess
import sys
from pathlib import Path

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

ROOT = Path(__file__).resolve().parent


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def run(self):
        import pybind11

        out_dir = Path(self.get_ext_fullpath(self.extensions[0].name)).resolve().parent
        build_dir = Path(os.environ.get("TROPGEOM_BUILD_DIR") or self.build_temp).resolve()
        build_dir.mkdir(parents=True, exist_ok=True)
        tests = "ON" if os.environ.get("TROPGEOM_BUILD_TESTS") == "1" else "OFF"
        configure = [
            "cmake", "-S", str(ROOT), "-B", str(build_dir),
            "-DCMAKE_BUILD_TYPE=Release",
            f"-DPython_EXECUTABLE={sys.executable}",
            f"-Dpybind11_DIR={pybind11.get_cmake_dir()}",
            f"-DCMAKE_LIBRARY_OUTPUT_DIRECTORY={out_dir}",
            f"-DTROPGEOM_BUILD_TESTS={tests}",
        ]
        done = subprocess.run(configure, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        sys.stdout.write(done.stdout)
        if done.returncode:
            for line in done.stdout.replace("\n  ", " ").splitlines():
                if "TROPGEOM_MISSING_LIBRARIES:" in line:  # one clear line, not CMake's log
                    sys.exit("error: " + " ".join(line.split("TROPGEOM_MISSING_LIBRARIES:", 1)[1].split()))
            raise subprocess.CalledProcessError(done.returncode, configure)
        jobs = os.environ.get("TROPGEOM_JOBS") or str(os.cpu_count() or 1)
        subprocess.check_call(["cmake", "--build", str(build_dir), "-j", jobs])


setup(
    ext_modules=[CMakeExtension("tropgeom._core"), CMakeExtension("tropgeom._kernels")],
    cmdclass={"build_ext": CMakeBuild},
)
