#pragma once
// Device: which backend runs kernels (host OpenMP or CUDA), which GPU, which
// stream, and a grow-only scratch arena for reductions, scans and sorts.
// Cheap to copy (a shared handle); every Buffer remembers its Device.
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace tessera {

enum class Backend { Host, Cuda };
enum class DeviceChoice { Auto, Cpu, Gpu };

// "auto" | "cpu" | "gpu" (also "host", "cuda"); throws InputError otherwise.
DeviceChoice parse_device_choice(std::string_view text);
const char* to_string(Backend b);

// True when this binary was built with CUDA.
bool built_with_cuda();
// GPUs the CUDA runtime sees (0 in a host-only build or without a driver).
int visible_gpu_count();

struct GpuProperties {
  std::string name;
  int major = 0, minor = 0, multiprocessors = 0;
  std::size_t global_memory = 0, l2_cache = 0;
  double memory_bandwidth_gbs = 0;  // from clock and bus width (theoretical)
  std::string uuid;                 // "GPU-xxxxxxxx-...": the same physical GPU in every process
};
GpuProperties gpu_properties(int gpu);

// The node-local rank the MPI launcher announces in the environment (Open
// MPI, MPICH/Hydra, MVAPICH, Slurm, PMI, PALS), or -1; readable before MPI_Init.
int launcher_local_rank();

// Makes GPU (local_rank % visible GPUs) current for this process before
// MPI_Init, so that CUDA-aware MPI stacks, which may open a CUDA context on
// the current GPU while they initialise, open it on the GPU this rank will use
// (Device::select picks the same one) rather than on GPU 0 in every rank.
// Does nothing without a launcher-announced local rank or a GPU.
void bind_gpu_before_mpi_init();

class Device {
 public:
  Device();  // host
  static Device host();
  // Binds this process to `gpu` and creates the device's stream.
  static Device cuda(int gpu);
  // Resolves a choice: Auto -> CUDA when built with it and a GPU is visible;
  // Gpu -> error when impossible. With GPUs, binds to local_rank % count.
  static Device select(DeviceChoice choice, int local_rank = 0);
  // TESSERA_DEVICE (auto|cpu|gpu), default auto: how tests pick a backend.
  static Device from_environment(int local_rank = 0);

  Backend backend() const;
  bool is_cuda() const { return backend() == Backend::Cuda; }
  bool is_host() const { return backend() == Backend::Host; }
  int gpu() const;       // -1 on the host backend
  void* stream() const;  // cudaStream_t; nullptr on the host backend
  void synchronize() const;
  // "host (OpenMP, 2 threads)" or "cuda:0 (NVIDIA H100 80GB HBM3, cc 9.0)".
  std::string describe() const;

  // Scratch memory on this device, valid until the next scratch() call;
  // grows geometrically and is never shrunk, so steady state allocates nothing.
  void* scratch(std::size_t bytes) const;
  // Pinned host staging for small results of device work (reductions).
  void* host_staging(std::size_t bytes) const;

  bool operator==(const Device& o) const { return state_ == o.state_; }

 private:
  struct State;
  explicit Device(std::shared_ptr<State> s);
  std::shared_ptr<State> state_;
};

}  // namespace tessera
