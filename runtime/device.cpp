#include "runtime/device.hpp"

#include <omp.h>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "runtime/error.hpp"
#include "runtime/format.hpp"
#include "runtime/memory.hpp"

#if TESSERA_HAVE_CUDA
#include <cuda_runtime_api.h>

#include "runtime/cuda_check.hpp"
#endif

namespace tessera {

struct Device::State {
  Backend backend = Backend::Host;
  int gpu = -1;
  void* stream = nullptr;
  // Scratch arena (device memory or host memory) and pinned host staging.
  void* scratch = nullptr;
  std::size_t scratch_bytes = 0;
  void* staging = nullptr;
  std::size_t staging_bytes = 0;

  ~State() {
    if (scratch) memory::release(self(), scratch);
    if (staging) memory::release_pinned(staging);
#if TESSERA_HAVE_CUDA
    if (stream) cudaStreamDestroy(static_cast<cudaStream_t>(stream));
#endif
  }

  // A non-owning Device view of this state for memory calls from the destructor.
  Device self() { return Device(std::shared_ptr<State>(std::shared_ptr<State>{}, this)); }
};

Device::Device() : state_(std::make_shared<State>()) {}
Device::Device(std::shared_ptr<State> s) : state_(std::move(s)) {}

Device Device::host() { return Device(); }

DeviceChoice parse_device_choice(std::string_view text) {
  if (text == "auto") return DeviceChoice::Auto;
  if (text == "cpu" || text == "host") return DeviceChoice::Cpu;
  if (text == "gpu" || text == "cuda") return DeviceChoice::Gpu;
  throw InputError("unknown device '" + std::string(text) + "': expected auto, cpu or gpu");
}

const char* to_string(Backend b) { return b == Backend::Cuda ? "cuda" : "host"; }

bool built_with_cuda() { return TESSERA_HAVE_CUDA != 0; }

int visible_gpu_count() {
#if TESSERA_HAVE_CUDA
  int n = 0;
  // No driver or no device is not an error here: it means "no GPU".
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return n;
#else
  return 0;
#endif
}

GpuProperties gpu_properties(int gpu) {
  GpuProperties p;
#if TESSERA_HAVE_CUDA
  cudaDeviceProp prop{};
  TESSERA_CUDA_CHECK(cudaGetDeviceProperties(&prop, gpu));
  p.name = prop.name;
  p.major = prop.major;
  p.minor = prop.minor;
  p.multiprocessors = prop.multiProcessorCount;
  p.global_memory = prop.totalGlobalMem;
  p.l2_cache = static_cast<std::size_t>(prop.l2CacheSize);
  p.uuid = "GPU-";
  for (int b = 0; b < 16; ++b) {
    p.uuid += strfmt("%02x", static_cast<unsigned char>(prop.uuid.bytes[b]));
    if (b == 3 || b == 5 || b == 7 || b == 9) p.uuid += '-';
  }
  int mem_clock_khz = 0, bus_bits = 0;
  if (cudaDeviceGetAttribute(&mem_clock_khz, cudaDevAttrMemoryClockRate, gpu) == cudaSuccess &&
      cudaDeviceGetAttribute(&bus_bits, cudaDevAttrGlobalMemoryBusWidth, gpu) == cudaSuccess)
    p.memory_bandwidth_gbs = 2.0 * mem_clock_khz * 1e3 * (bus_bits / 8.0) / 1e9;
#else
  (void)gpu;
  throw Error("GPU properties requested, but this build has no CUDA");
#endif
  return p;
}

int launcher_local_rank() {
  for (const char* name : {"OMPI_COMM_WORLD_LOCAL_RANK", "MPI_LOCALRANKID", "MV2_COMM_WORLD_LOCAL_RANK",
                           "PMI_LOCAL_RANK", "PALS_LOCAL_RANKID", "SLURM_LOCALID"}) {
    const char* v = std::getenv(name);
    if (!v || !*v) continue;
    char* end = nullptr;
    const long r = std::strtol(v, &end, 10);
    if (*end == '\0' && r >= 0) return static_cast<int>(r);
  }
  return -1;
}

void bind_gpu_before_mpi_init() {
#if TESSERA_HAVE_CUDA
  const int local = launcher_local_rank();
  if (local < 0) return;
  const int n = visible_gpu_count();
  // A failure here is reported later, where the device is really chosen.
  if (n > 0 && cudaSetDevice(local % n) != cudaSuccess) cudaGetLastError();
#endif
}

Device Device::cuda(int gpu) {
#if TESSERA_HAVE_CUDA
  int n = visible_gpu_count();
  if (gpu < 0 || gpu >= n) throw Error(strfmt("GPU %d requested but %d GPU(s) are visible", gpu, n));
  TESSERA_CUDA_CHECK(cudaSetDevice(gpu));
  auto s = std::make_shared<State>();
  s->backend = Backend::Cuda;
  s->gpu = gpu;
  cudaStream_t stream = nullptr;
  TESSERA_CUDA_CHECK(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  s->stream = stream;
  return Device(std::move(s));
#else
  (void)gpu;
  throw Error("a GPU was requested, but this build of Tessera has no CUDA (rebuild with TESSERA_CUDA=ON)");
#endif
}

Device Device::select(DeviceChoice choice, int local_rank) {
  if (choice == DeviceChoice::Cpu) return host();
  int n = visible_gpu_count();
  if (n == 0) {
    if (choice == DeviceChoice::Auto) return host();
    if (!built_with_cuda())
      throw Error("--device gpu requested, but this build of Tessera has no CUDA (rebuild with TESSERA_CUDA=ON)");
    throw Error("--device gpu requested, but no GPU is visible to this process");
  }
  return cuda(local_rank % n);
}

Device Device::from_environment(int local_rank) {
  const char* env = std::getenv("TESSERA_DEVICE");
  DeviceChoice c = (env && *env) ? parse_device_choice(env) : DeviceChoice::Auto;
  return select(c, local_rank);
}

Backend Device::backend() const { return state_->backend; }
int Device::gpu() const { return state_->gpu; }
void* Device::stream() const { return state_->stream; }

void Device::synchronize() const {
#if TESSERA_HAVE_CUDA
  if (is_cuda()) TESSERA_CUDA_CHECK(cudaStreamSynchronize(static_cast<cudaStream_t>(state_->stream)));
#endif
}

std::string Device::describe() const {
  if (is_host()) return strfmt("host (OpenMP, %d threads)", omp_get_max_threads());
  auto p = gpu_properties(state_->gpu);
  return strfmt("cuda:%d (%s, cc %d.%d, %.0f GiB)", state_->gpu, p.name.c_str(), p.major, p.minor,
                static_cast<double>(p.global_memory) / (1024.0 * 1024.0 * 1024.0));
}

namespace {
std::size_t grown(std::size_t have, std::size_t need) {
  return std::max<std::size_t>({need, have + have / 2, 4096});
}
}  // namespace

void* Device::scratch(std::size_t bytes) const {
  State& s = *state_;
  if (bytes > s.scratch_bytes) {
    // Earlier kernels may still read the old arena.
    synchronize();
    std::size_t n = grown(s.scratch_bytes, bytes);
    void* p = memory::allocate(*this, n);
    if (s.scratch) memory::release(*this, s.scratch);
    s.scratch = p;
    s.scratch_bytes = n;
  }
  return s.scratch;
}

void* Device::host_staging(std::size_t bytes) const {
  State& s = *state_;
  if (bytes > s.staging_bytes) {
    synchronize();
    std::size_t n = grown(s.staging_bytes, bytes);
    void* p = memory::allocate_pinned(n);
    if (s.staging) memory::release_pinned(s.staging);
    s.staging = p;
    s.staging_bytes = n;
  }
  return s.staging;
}

}  // namespace tessera
