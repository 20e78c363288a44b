package io.kerasregistry.inference;

import java.util.Set;

/**
 * Layer classes Keras ships or has shipped (Keras 1, 2, tf.keras, 3). A class outside this list and
 * without a translator is a user's custom layer, reported like Keras's "Unknown layer".
 */
final class KnownKerasClasses {

    private KnownKerasClasses() {
    }

    static final Set<String> NAMES = Set.of(
            "AbstractRNNCell", "Activation", "ActivityRegularization", "AdaptiveAveragePooling1D",
            "AdaptiveAveragePooling2D", "AdaptiveAveragePooling3D", "AdaptiveMaxPooling1D",
            "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D", "Add", "AdditiveAttention", "AlphaDropout",
            "AtrousConvolution1D", "AtrousConvolution2D", "Attention", "AugMix", "AutoContrast", "Average",
            "AveragePooling1D", "AveragePooling2D", "AveragePooling3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
            "BatchNormalization", "BatchNormalizationV1", "BatchNormalizationV2", "Bidirectional",
            "CategoryEncoding", "CenterCrop", "Concatenate", "ContrastLimitedAdaptiveHistogramEqualization",
            "Conv1D", "Conv1DTranspose", "Conv2D", "Conv2DTranspose", "Conv3D", "Conv3DTranspose",
            "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "ConvRNN2D", "Convolution1D", "Convolution1DTranspose",
            "Convolution2D", "Convolution2DTranspose", "Convolution3D", "Convolution3DTranspose", "Cropping1D",
            "Cropping2D", "Cropping3D", "CuDNNGRU", "CuDNNLSTM", "CutMix", "Deconvolution2D",
            "Deconvolution3D", "Dense", "DenseFeatures", "DepthwiseConv1D", "DepthwiseConv2D",
            "Discretization", "Dot", "Dropout", "DynamicEmbedding", "DynamicLookup", "ELU", "EinsumDense",
            "Embedding", "Equalization", "Flatten", "Functional", "GRU", "GRUCell", "GRUV1", "GaussianDropout",
            "GaussianNoise", "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAveragePooling3D",
            "GlobalAvgPool1D", "GlobalAvgPool2D", "GlobalAvgPool3D", "GlobalMaxPool1D", "GlobalMaxPool2D",
            "GlobalMaxPool3D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "GlobalMaxPooling3D",
            "GroupNormalization", "GroupQueryAttention", "HashedCrossing", "Hashing", "Highway", "Identity",
            "Input", "InputLayer", "IntegerLookup", "LSTM", "LSTMCell", "LSTMV1", "Lambda",
            "LayerNormalization", "LeakyReLU", "LocallyConnected1D", "LocallyConnected2D", "Masking",
            "MaxNumBoundingBoxes", "MaxPool1D", "MaxPool2D", "MaxPool3D", "MaxPooling1D", "MaxPooling2D",
            "MaxPooling3D", "Maximum", "MaxoutDense", "MelSpectrogram", "Merge", "Minimum", "MixUp", "Model",
            "MultiHeadAttention", "Multiply", "Normalization", "PReLU", "ParametricSoftplus", "Permute",
            "Pipeline", "RMSNormalization", "RNN", "RandAugment", "RandomBrightness",
            "RandomColorDegeneration", "RandomColorJitter", "RandomContrast", "RandomCrop",
            "RandomElasticTransform", "RandomErasing", "RandomFlip", "RandomFourierFeatures",
            "RandomGaussianBlur", "RandomGrayscale", "RandomHeight", "RandomHue", "RandomInvert",
            "RandomPerspective", "RandomPosterization", "RandomRotation", "RandomSaturation",
            "RandomSharpness", "RandomShear", "RandomTranslation", "RandomWidth", "RandomZoom", "ReLU",
            "RepeatVector", "Rescaling", "Reshape", "Resizing", "ReversibleEmbedding", "SReLU",
            "STFTSpectrogram", "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D",
            "SeparableConvolution2D", "Sequential", "SimpleRNN", "SimpleRNNCell", "SlicingOpLambda", "Softmax",
            "Solarization", "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D",
            "SpectralNormalization", "StackedRNNCells", "StringLookup", "Subtract", "SyncBatchNormalization",
            "TFOpLambda", "TernaryDense", "TextVectorization", "ThresholdedReLU", "TimeDistributed",
            "TimeDistributedDense", "UnitNormalization", "UpSampling1D", "UpSampling2D", "UpSampling3D",
            "ZeroPadding1D", "ZeroPadding2D", "ZeroPadding3D"
    );
}
