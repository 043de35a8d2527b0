// HDF5's type ids and property-list defaults are macros that expand to global
// variables behind H5open() or to casts; Swift cannot import them, so each has
// a getter here.
#include <hdf5.h>
#include <hdf5_hl.h>

static inline hid_t amsga_H5P_DEFAULT(void) { return H5P_DEFAULT; }
static inline hid_t amsga_H5S_ALL(void) { return H5S_ALL; }
static inline hid_t amsga_H5P_FILE_ACCESS(void) { return H5P_FILE_ACCESS; }
static inline hid_t amsga_H5P_DATASET_CREATE(void) { return H5P_DATASET_CREATE; }
static inline hid_t amsga_H5P_LINK_CREATE(void) { return H5P_LINK_CREATE; }
static inline hid_t amsga_H5T_NATIVE_FLOAT(void) { return H5T_NATIVE_FLOAT; }
static inline hid_t amsga_H5T_NATIVE_DOUBLE(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t amsga_H5T_NATIVE_INT32(void) { return H5T_NATIVE_INT32; }
static inline hid_t amsga_H5T_NATIVE_INT64(void) { return H5T_NATIVE_INT64; }
static inline hid_t amsga_H5T_NATIVE_UINT8(void) { return H5T_NATIVE_UINT8; }
static inline hid_t amsga_H5T_NATIVE_UINT64(void) { return H5T_NATIVE_UINT64; }
static inline hid_t amsga_H5T_IEEE_F32LE(void) { return H5T_IEEE_F32LE; }
static inline hid_t amsga_H5T_IEEE_F64LE(void) { return H5T_IEEE_F64LE; }
static inline hid_t amsga_H5T_STD_I32LE(void) { return H5T_STD_I32LE; }
static inline hid_t amsga_H5T_STD_I64LE(void) { return H5T_STD_I64LE; }
static inline hid_t amsga_H5T_STD_U8LE(void) { return H5T_STD_U8LE; }
static inline hid_t amsga_H5T_STD_U64LE(void) { return H5T_STD_U64LE; }
static inline hid_t amsga_H5T_C_S1(void) { return H5T_C_S1; }
static inline hsize_t amsga_H5S_UNLIMITED(void) { return H5S_UNLIMITED; }
static inline unsigned amsga_H5F_ACC_TRUNC(void) { return H5F_ACC_TRUNC; }
static inline unsigned amsga_H5F_ACC_EXCL(void) { return H5F_ACC_EXCL; }
static inline unsigned amsga_H5F_ACC_RDONLY(void) { return H5F_ACC_RDONLY; }
static inline unsigned amsga_H5F_ACC_RDWR(void) { return H5F_ACC_RDWR; }
static inline size_t amsga_H5T_VARIABLE(void) { return H5T_VARIABLE; }
static inline hid_t amsga_H5E_DEFAULT(void) { return H5E_DEFAULT; }
static inline unsigned amsga_H5F_OBJ_ALL(void) { return H5F_OBJ_ALL; }
static inline unsigned amsga_H5F_OBJ_LOCAL(void) { return H5F_OBJ_LOCAL; }
static inline const char *amsga_hdf5_version(void) { return H5_VERS_INFO; }
