// make_transport's choice at whatever rank count mpirun gives. The choice is
// collective: every rank must take part whatever its own backend, or a job
// with some ranks on the host hangs before its first step.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "decomposition/transport.hpp"
#include "runtime/buffer.hpp"
#include "runtime/collectives.hpp"
#include "runtime/error.hpp"
#include "tests/test_device.hpp"

using namespace tessera;
using tessera::testing::test_device;

namespace {

// "mpi", or "mpi (staged through pinned host memory)" for GPU data.
bool is_mpi(const Transport& t) { return std::string(t.name()).rfind("mpi", 0) == 0; }

// Each rank sends its rank number to the next one around a ring and checks
// what arrives from the previous one.
int ring_value(Transport& t) {
  const int n = collectives::size(), me = collectives::rank();
  Buffer<int> out(t.device(), 1), in(t.device(), 1);
  out.copy_from_host(std::vector<int>{me});
  in.copy_from_host(std::vector<int>{-1});
  t.exchange({{(me + 1) % n, 3, out.data(), sizeof(int)}}, {{(me + n - 1) % n, 3, in.data(), sizeof(int)}});
  return in.to_host()[0];
}

}  // namespace

TEST(Transport, MixedBackendsAgreeOnMpiAndExchange) {
  // Even ranks on the host; odd ranks on the test device (a GPU on the GPU
  // machine). Every rank resolves the test device first, so that a failure
  // to get one fails every rank alike instead of leaving some in a collective.
  const Device& chosen = test_device();
  const Device dev = collectives::rank() % 2 == 0 ? Device::host() : chosen;
  auto t = make_transport(TransportKind::Auto, dev);
  const bool all_host = !collectives::any(dev.is_cuda());
  if (collectives::size() > 1 || all_host) {
    EXPECT_TRUE(is_mpi(*t)) << t->name();
  }
  const int n = collectives::size();
  EXPECT_EQ(ring_value(*t), (collectives::rank() + n - 1) % n);
}

TEST(Transport, NcclIsRefusedWhereItCannotWorkAndChosenWhereItCan) {
  const Device& dev = test_device();
  if (!dev.is_cuda()) {
    EXPECT_THROW(make_transport(TransportKind::Nccl, dev), InputError);
    return;
  }
  // On one GPU machine, two or more ranks share the GPU: NCCL would refuse them.
  const bool shared = collectives::size() > visible_gpu_count();
  if (shared) {
    try {
      make_transport(TransportKind::Nccl, dev);
      ADD_FAILURE() << "NCCL accepted ranks that share a GPU";
    } catch (const InputError& e) {
      EXPECT_NE(e.message().find("share a GPU"), std::string::npos) << e.message();
    }
    EXPECT_TRUE(is_mpi(*make_transport(TransportKind::Auto, dev)));
  } else if (TESSERA_HAVE_NCCL) {
    auto t = make_transport(TransportKind::Auto, dev);
    EXPECT_EQ(std::string(t->name()), "nccl");
    const int n = collectives::size();
    EXPECT_EQ(ring_value(*t), (collectives::rank() + n - 1) % n);
  }
}
