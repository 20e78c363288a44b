/**
 * The custom-object catalogue users fill over REST: what {@code custom_objects={...}} would hold in
 * Python, by the name Keras wrote into the file, resolved as an alias of a built-in, a safe tensor
 * expression, a plug-in class or a no-op at inference. Definitions are data: nothing here runs code
 * from a plug-in or an expression (workers do, in their own processes).
 */
@NullMarked
package io.kerasregistry.customobjects;

import org.jspecify.annotations.NullMarked;
