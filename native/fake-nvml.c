/*
 * fake-nvml.c: a real libnvidia-ml.so.1 stand-in for berth's tests, so the FFI boundary itself (struct
 * offsets, string buffers, error codes, optional symbols) is exercised without a GPU.
 *
 * Build: cc -shared -fPIC -O2 -o libnvidia-ml.so.1 fake-nvml.c
 *        (-DFAKE_NVML_OLD_DRIVER drops the _v3/_v2 process, MemoryInfo_v2 and NumaNodeId symbols)
 *
 * Driven by the environment:
 *   FAKE_NVML_PRESET      h200x8 (default) | a100x8 | mig | no-permission | driver-not-loaded
 *   FAKE_NVML_GPUS        overrides the preset's GPUs: GPUs split by ';', fields by ',', each key=value:
 *                         name, uuid, total, used (bytes), bus (PCI bus id), numa, mig (0|1),
 *                         procs (pid:bytes/pid:bytes), handle (an NVML error for GetHandleByIndex)
 *   FAKE_NVML_INIT_ERROR  an NVML error code for nvmlInit_v2 (9 = driver not loaded)
 *   FAKE_NVML_DRIVER      driver version string (default 570.124.06)
 *   FAKE_NVML_CUDA        CUDA driver version as an int (default 12080)
 *   FAKE_NVML_LOG         a file that gets one line per init and shutdown
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "nvml.h"

#define MAX_GPUS 64
#define MAX_PROCS 16
#define RESERVED_BYTES (512ull << 20) /* v1 `used` includes this; v2 reports it apart, as real drivers do */

struct fake_process { unsigned int pid; unsigned long long used; };
struct nvmlDevice_st {
  char name[96], uuid[96], bus[32];
  unsigned long long total, used;
  int numa, mig, handle_error, process_count;
  struct fake_process processes[MAX_PROCS];
};

static struct nvmlDevice_st gpus[MAX_GPUS];
static unsigned int gpu_count;
static int init_count;

static void log_line(const char *what) {
  const char *path = getenv("FAKE_NVML_LOG");
  if (!path) return;
  FILE *file = fopen(path, "a");
  if (!file) return;
  fprintf(file, "%s\n", what);
  fclose(file);
}

static void add_preset_gpu(const char *name, unsigned long long total, unsigned int index, int bus_base) {
  struct nvmlDevice_st *gpu = &gpus[gpu_count++];
  memset(gpu, 0, sizeof *gpu);
  snprintf(gpu->name, sizeof gpu->name, "%s", name);
  snprintf(gpu->uuid, sizeof gpu->uuid, "GPU-%08x-%04x-%04x-%04x-%012x", 0x5eed0000u + index, 0x1000 + index, 0x2000 + index, 0x3000 + index, 0xabc000u + index);
  snprintf(gpu->bus, sizeof gpu->bus, "00000000:%02X:00.0", bus_base + 0x10 * index);
  gpu->total = total;
  gpu->used = 0;
  gpu->numa = index < 4 ? 0 : 1;
}

static void load_preset(const char *preset) {
  unsigned int index;
  gpu_count = 0;
  if (strcmp(preset, "a100x8") == 0) {
    for (index = 0; index < 8; index++) add_preset_gpu("NVIDIA A100-SXM4-80GB", 85899345920ull, index, 0x07);
  } else if (strcmp(preset, "mig") == 0) {
    for (index = 0; index < 2; index++) add_preset_gpu("NVIDIA A100-SXM4-80GB", 85899345920ull, index, 0x07);
    gpus[0].mig = 1;
  } else if (strcmp(preset, "no-permission") == 0) {
    for (index = 0; index < 4; index++) add_preset_gpu("NVIDIA H200", 150754820096ull, index, 0x18);
    gpus[2].handle_error = NVML_ERROR_NO_PERMISSION;
  } else {
    for (index = 0; index < 8; index++) add_preset_gpu("NVIDIA H200", 150754820096ull, index, 0x18);
    /* One busy GPU, so the "running processes" path is never empty in the default preset. */
    gpus[3].used = 42ull << 30;
    gpus[3].process_count = 1;
    gpus[3].processes[0].pid = 4242;
    gpus[3].processes[0].used = 42ull << 30;
  }
}

static void parse_processes(struct nvmlDevice_st *gpu, char *text) {
  char *saved = NULL;
  for (char *item = strtok_r(text, "/", &saved); item && gpu->process_count < MAX_PROCS; item = strtok_r(NULL, "/", &saved)) {
    struct fake_process *process = &gpu->processes[gpu->process_count++];
    process->pid = (unsigned int)strtoul(item, NULL, 10);
    char *colon = strchr(item, ':');
    process->used = colon ? strtoull(colon + 1, NULL, 10) : 0;
  }
}

static void load_description(const char *description) {
  char *copy = strdup(description), *saved_gpu = NULL;
  gpu_count = 0;
  for (char *record = strtok_r(copy, ";", &saved_gpu); record && gpu_count < MAX_GPUS; record = strtok_r(NULL, ";", &saved_gpu)) {
    add_preset_gpu("Fake GPU", 1ull << 34, gpu_count, 0x10);
    struct nvmlDevice_st *gpu = &gpus[gpu_count - 1];
    char *saved_field = NULL;
    for (char *field = strtok_r(record, ",", &saved_field); field; field = strtok_r(NULL, ",", &saved_field)) {
      char *value = strchr(field, '=');
      if (!value) continue;
      *value++ = '\0';
      if (strcmp(field, "name") == 0) snprintf(gpu->name, sizeof gpu->name, "%s", value);
      else if (strcmp(field, "uuid") == 0) snprintf(gpu->uuid, sizeof gpu->uuid, "%s", value);
      else if (strcmp(field, "bus") == 0) snprintf(gpu->bus, sizeof gpu->bus, "%s", value);
      else if (strcmp(field, "total") == 0) gpu->total = strtoull(value, NULL, 10);
      else if (strcmp(field, "used") == 0) gpu->used = strtoull(value, NULL, 10);
      else if (strcmp(field, "numa") == 0) gpu->numa = atoi(value);
      else if (strcmp(field, "mig") == 0) gpu->mig = atoi(value);
      else if (strcmp(field, "handle") == 0) gpu->handle_error = atoi(value);
      else if (strcmp(field, "procs") == 0) parse_processes(gpu, value);
    }
  }
  free(copy);
}

static int copy_string(char *buffer, unsigned int length, const char *value) {
  if (!buffer) return NVML_ERROR_INVALID_ARGUMENT;
  if (strlen(value) + 1 > length) return NVML_ERROR_INSUFFICIENT_SIZE;
  memcpy(buffer, value, strlen(value) + 1);
  return NVML_SUCCESS;
}

static int valid(nvmlDevice_t device) {
  return init_count > 0 && device >= gpus && device < gpus + gpu_count;
}

nvmlReturn_t nvmlInit_v2(void) {
  const char *error = getenv("FAKE_NVML_INIT_ERROR");
  const char *preset = getenv("FAKE_NVML_PRESET");
  if (preset && strcmp(preset, "driver-not-loaded") == 0) return NVML_ERROR_DRIVER_NOT_LOADED;
  if (error && atoi(error) != 0) return atoi(error);
  if (init_count++ == 0) {
    const char *description = getenv("FAKE_NVML_GPUS");
    if (description && *description) load_description(description);
    else load_preset(preset ? preset : "h200x8");
  }
  log_line("init");
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
  if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
  init_count--;
  log_line("shutdown");
  return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result) {
  switch (result) {
    case NVML_SUCCESS: return "Success";
    case NVML_ERROR_NO_PERMISSION: return "Insufficient Permissions";
    case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
    default: return "Unknown Error";
  }
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
  if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
  const char *value = getenv("FAKE_NVML_DRIVER");
  return copy_string(version, length, value ? value : "570.124.06");
}

nvmlReturn_t nvmlSystemGetCudaDriverVersion_v2(int *cudaDriverVersion) {
  if (!cudaDriverVersion) return NVML_ERROR_INVALID_ARGUMENT;
  const char *value = getenv("FAKE_NVML_CUDA");
  *cudaDriverVersion = value ? atoi(value) : 12080;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount) {
  if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
  if (!deviceCount) return NVML_ERROR_INVALID_ARGUMENT;
  *deviceCount = gpu_count; /* Counts GPUs whose handle is refused too, as nvml.h documents. */
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
  if (init_count == 0) return NVML_ERROR_UNINITIALIZED;
  if (!device || index >= gpu_count) return NVML_ERROR_INVALID_ARGUMENT;
  if (gpus[index].handle_error) return gpus[index].handle_error;
  *device = &gpus[index];
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
  return valid(device) ? copy_string(uuid, length, device->uuid) : NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
  return valid(device) ? copy_string(name, length, device->name) : NVML_ERROR_INVALID_ARGUMENT;
}

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
  if (!valid(device) || !memory) return NVML_ERROR_INVALID_ARGUMENT;
  memory->total = device->total;
  memory->used = device->used + RESERVED_BYTES;
  memory->free = device->total - memory->used;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetPciInfo_v3(nvmlDevice_t device, nvmlPciInfo_t *pci) {
  if (!valid(device) || !pci) return NVML_ERROR_INVALID_ARGUMENT;
  memset(pci, 0, sizeof *pci);
  snprintf(pci->busId, sizeof pci->busId, "%s", device->bus);
  snprintf(pci->busIdLegacy, sizeof pci->busIdLegacy, "%s", device->bus + 4);
  unsigned int domain = 0, bus = 0, slot = 0;
  sscanf(device->bus, "%x:%x:%x", &domain, &bus, &slot);
  pci->domain = domain;
  pci->bus = bus;
  pci->device = slot;
  pci->pciDeviceId = 0x233510de;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetMigMode(nvmlDevice_t device, unsigned int *currentMode, unsigned int *pendingMode) {
  if (!valid(device) || !currentMode || !pendingMode) return NVML_ERROR_INVALID_ARGUMENT;
  *currentMode = *pendingMode = (unsigned int)device->mig;
  return NVML_SUCCESS;
}

/* The two-call protocol every process query follows: too small a buffer gives the count and size error. */
#define FILL_PROCESSES(device, infoCount, infos, assign)                   \
  do {                                                                     \
    if (!valid(device) || !(infoCount)) return NVML_ERROR_INVALID_ARGUMENT; \
    unsigned int needed = (unsigned int)(device)->process_count;           \
    if (*(infoCount) < needed || !(infos)) {                               \
      *(infoCount) = needed;                                               \
      return needed == 0 ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_SIZE;    \
    }                                                                      \
    for (unsigned int i = 0; i < needed; i++) { assign; }                  \
    *(infoCount) = needed;                                                 \
    return NVML_SUCCESS;                                                   \
  } while (0)

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_v1_t *infos) {
  FILL_PROCESSES(device, infoCount, infos, (infos[i].pid = device->processes[i].pid, infos[i].usedGpuMemory = device->processes[i].used));
}

#ifndef FAKE_NVML_OLD_DRIVER
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
  if (!valid(device) || !memory) return NVML_ERROR_INVALID_ARGUMENT;
  if (memory->version != nvmlMemory_v2) return 25; /* NVML_ERROR_ARGUMENT_VERSION_MISMATCH */
  memory->total = device->total;
  memory->reserved = RESERVED_BYTES;
  memory->used = device->used;
  memory->free = device->total - device->used - RESERVED_BYTES;
  return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetNumaNodeId(nvmlDevice_t device, unsigned int *node) {
  if (!valid(device) || !node) return NVML_ERROR_INVALID_ARGUMENT;
  *node = (unsigned int)device->numa;
  return NVML_SUCCESS;
}

#define FILL_V2(device, infoCount, infos) \
  FILL_PROCESSES(device, infoCount, infos, (infos[i].pid = device->processes[i].pid, infos[i].usedGpuMemory = device->processes[i].used, infos[i].gpuInstanceId = 0xFFFFFFFFu, infos[i].computeInstanceId = 0xFFFFFFFFu))

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v2(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_t *infos) {
  FILL_V2(device, infoCount, infos);
}

nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount, nvmlProcessInfo_t *infos) {
  FILL_V2(device, infoCount, infos);
}
#endif
