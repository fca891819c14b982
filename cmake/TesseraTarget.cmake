# Common settings for Tessera targets.
#
# tessera_kernel_sources(<sources>...): .cu files hold kernels. A CUDA build
# compiles them with nvcc; a host-only build compiles the same files as C++.
function(tessera_kernel_sources)
  if(NOT TESSERA_HAVE_CUDA)
    foreach(src IN LISTS ARGN)
      if(src MATCHES "\\.cu$")
        set_source_files_properties(${src} PROPERTIES LANGUAGE CXX)
        set_property(SOURCE ${src} APPEND PROPERTY COMPILE_OPTIONS -x c++)
      endif()
    endforeach()
  endif()
endfunction()

# tessera_configure_target(<target>): warnings, definitions, OpenMP and the
# CUDA flags every Tessera target needs.
function(tessera_configure_target target)
  get_target_property(_type ${target} TYPE)
  set(_scope PUBLIC)
  if(_type STREQUAL "EXECUTABLE")
    set(_scope PRIVATE)
  endif()
  target_compile_definitions(${target} ${_scope} TESSERA_HAVE_CUDA=${TESSERA_HAVE_CUDA}
                                                 TESSERA_HAVE_NCCL=${TESSERA_HAVE_NCCL})
  target_include_directories(${target} ${_scope} ${PROJECT_SOURCE_DIR})
  # Floating-point contraction (README, "Floating point"): host code never
  # fuses a*b + c (the reference arithmetic, the same with any compiler
  # flags); device code does (nvcc's default --fmad=true: faster and no less
  # accurate). TESSERA_HOST_FMA contracts host code as a GPU would, to measure
  # what that difference does to results on a machine without a GPU.
  if(TESSERA_HOST_FMA)
    set(_host_fp -mfma -ffp-contract=fast)
  else()
    set(_host_fp -ffp-contract=off)
  endif()
  # Host vector width (README, "Host performance"): -march lets the host
  # loops use the machine's vector units (AVX2/AVX-512). It does not change
  # results: contraction stays off and nothing reassociates without an
  # explicit `omp simd reduction`.
  if(TESSERA_HOST_ARCH)
    list(APPEND _host_fp -march=${TESSERA_HOST_ARCH})
  endif()
  list(JOIN _host_fp "," _host_fp_xc)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra ${_host_fp}>
    $<$<COMPILE_LANGUAGE:CUDA>:--extended-lambda --expt-relaxed-constexpr --fmad=true
                               -Xcompiler=-fopenmp,-Wall,-Wextra,${_host_fp_xc}>)
  target_link_libraries(${target} ${_scope} OpenMP::OpenMP_CXX)
  if(TESSERA_HAVE_CUDA)
    target_link_libraries(${target} ${_scope} CUDA::cudart)
    set_target_properties(${target} PROPERTIES CUDA_RUNTIME_LIBRARY Shared)
  endif()
  if(TESSERA_SANITIZE)
    target_compile_options(${target} PRIVATE -fsanitize=address,undefined -fno-omit-frame-pointer)
    target_link_options(${target} ${_scope} -fsanitize=address,undefined)
  endif()
endfunction()
